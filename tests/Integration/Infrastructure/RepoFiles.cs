namespace Beacon.IntegrationTests.Infrastructure;

/// <summary>Files of the repository itself (deployment configs, docs), found from the test output folder.</summary>
public static class RepoFiles
{
    private static readonly Lazy<string> RootPath = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "App.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No App.sln above {AppContext.BaseDirectory}: the tests must run from a checkout.");
    });

    /// <summary>The repository root (where App.sln is).</summary>
    public static string Root => RootPath.Value;

    /// <summary>The absolute path of <paramref name="relativePath"/> (forward slashes), asserting that it exists.</summary>
    public static string Path(string relativePath)
    {
        var path = System.IO.Path.Combine(Root, relativePath.Replace('/', System.IO.Path.DirectorySeparatorChar));
        File.Exists(path).ShouldBeTrue($"{relativePath} is missing from the repository.");
        return path;
    }

    /// <summary>The text of <paramref name="relativePath"/>.</summary>
    public static string Read(string relativePath) => File.ReadAllText(Path(relativePath));
}
