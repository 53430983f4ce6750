using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;
using Beacon.Infrastructure.Analytics;
using Beacon.Infrastructure.Jobs;
using Beacon.Infrastructure.Messaging;
using Beacon.Infrastructure.Persistence;
using Beacon.Infrastructure.RateLimiting;
using Beacon.Infrastructure.Realtime;
using Beacon.Infrastructure.SystemStatus;
using Beacon.Web.Infrastructure;

namespace Beacon.IntegrationTests.Operations;

/// <summary>
/// docs/configuration.md is the reference an operator configures a node from: every setting its tables list must be
/// a property of the options class that binds that section (else the setting is silently ignored), every property
/// must be listed, and a default written as a plain value must be the code's.
/// </summary>
public sealed partial class ConfigurationDocTests
{
    /// <summary>The doc's sections that document an options class, by the section name in their heading.</summary>
    private static readonly Dictionary<string, (object Defaults, string KeyPrefix)> Sections = new()
    {
        ["Realtime"] = (new RealtimeOptions(), ""),
        ["Auth"] = (new AuthOptions(), ""),
        ["RateLimiting"] = (new RateLimitingOptions(), ""),
        ["Analytics"] = (new AnalyticsOptions(), ""),
        ["Presence"] = (new PresenceOptions(), ""),
        ["Jobs"] = (new JobsOptions(), ""),
        ["SystemStatus"] = (new SystemStatusOptions(), ""),
        ["Database"] = (new DatabaseOptions(), "Database:"),
    };

    public static TheoryData<string> SectionNames() => [.. Sections.Keys];

    [Theory]
    [MemberData(nameof(SectionNames))]
    public void Every_documented_setting_is_an_option_and_every_option_is_documented(string section)
    {
        var (defaults, prefix) = Sections[section];
        var documented = DocumentedRows(section).Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal)).Select(k => k[prefix.Length..]).ToHashSet();
        var bound = Settings(defaults).Keys.ToHashSet();

        documented.Except(bound).ShouldBeEmpty($"configuration.md lists {section} settings that no property of {defaults.GetType().Name} binds");
        bound.Except(documented).ShouldBeEmpty($"{defaults.GetType().Name} has settings configuration.md does not list under {section}");
    }

    [Theory]
    [MemberData(nameof(SectionNames))]
    public void Every_documented_plain_default_is_the_code_default(string section)
    {
        var (defaults, prefix) = Sections[section];
        var settings = Settings(defaults);
        foreach (var (key, defaultCell) in DocumentedRows(section))
        {
            // Only a default written as one value in backticks ("`30`", "`* * * * *` (every minute)"); "unset → …" is prose.
            if (PlainDefault().Match(defaultCell) is not { Success: true } match || !settings.TryGetValue(key[prefix.Length..], out var value))
            {
                continue;
            }

            Text(value).ShouldBe(match.Groups[1].Value, $"{section}:{key}'s default in configuration.md");
        }
    }

    /// <summary>Setting → default cell of every table row under the section whose heading names <paramref name="section"/>.</summary>
    private static Dictionary<string, string> DocumentedRows(string section)
    {
        var rows = new Dictionary<string, string>();
        var inSection = false;
        foreach (var line in File.ReadLines(RepoFiles.Path("docs/configuration.md")))
        {
            if (line.StartsWith("## ", StringComparison.Ordinal))
            {
                inSection = line.Contains($"`{section}`", StringComparison.Ordinal);
                continue;
            }

            if (inSection && TableRow().Match(line) is { Success: true } row)
            {
                rows[row.Groups["key"].Value] = row.Groups["default"].Value.Trim();
            }
        }

        rows.ShouldNotBeEmpty($"configuration.md has no settings table under a heading naming `{section}`");
        return rows;
    }

    /// <summary>Every bindable setting of <paramref name="options"/>, nested classes as <c>Outer:Inner</c>, with its default.</summary>
    private static Dictionary<string, object?> Settings(object options, string prefix = "")
    {
        var settings = new Dictionary<string, object?>();
        foreach (var property in options.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite))
        {
            var value = property.GetValue(options);
            var type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            if (type.IsClass && type != typeof(string) && value is not null)
            {
                foreach (var (key, nested) in Settings(value, $"{prefix}{property.Name}:"))
                {
                    settings[key] = nested;
                }
            }
            else
            {
                settings[prefix + property.Name] = value;
            }
        }

        return settings;
    }

    private static string Text(object? value) => value switch
    {
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value?.ToString() ?? "",
    };

    [GeneratedRegex(@"^\| `(?<key>[A-Za-z][A-Za-z:]*)` \| (?<default>[^|]*) \|")]
    private static partial Regex TableRow();

    [GeneratedRegex(@"^`([^`]*)`(?:\s*\([^)]*\))?$")]
    private static partial Regex PlainDefault();
}
