using System.Reflection;

namespace Beacon.UnitTests.Architecture;

/// <summary>The dependency rule, checked rather than hoped for: Domain → nothing, Application → Domain only.</summary>
public sealed class LayeringTests
{
    private static readonly Assembly Domain = typeof(Beacon.Domain.Common.IDomainEvent).Assembly;
    private static readonly Assembly Application = typeof(Beacon.Application.DependencyInjection).Assembly;

    private static string[] BeaconReferences(Assembly assembly) =>
        assembly.GetReferencedAssemblies().Select(a => a.Name!).Where(n => n.StartsWith("Beacon.", StringComparison.Ordinal)).ToArray();

    [Fact]
    public void Domain_references_no_other_layer_and_no_packages()
    {
        BeaconReferences(Domain).ShouldBeEmpty();
        Domain.GetReferencedAssemblies().Select(a => a.Name!)
            .Where(n => !n.StartsWith("System", StringComparison.Ordinal) && n != "netstandard" && n != "mscorlib")
            .ShouldBeEmpty();
    }

    [Fact]
    public void Application_references_only_the_domain() =>
        BeaconReferences(Application).ShouldAllBe(n => n == "Beacon.Domain");

    [Fact]
    public void Infrastructure_and_web_are_not_referenced_by_inner_layers()
    {
        var inner = new[] { Domain, Application }.SelectMany(BeaconReferences);
        inner.ShouldNotContain("Beacon.Infrastructure");
        inner.ShouldNotContain("Beacon.Web");
    }

    [Fact]
    public void Application_does_not_reference_web_or_infrastructure_frameworks() =>
        Application.GetReferencedAssemblies().Select(a => a.Name!)
            .ShouldNotContain(n => n.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal)
                || n.StartsWith("Microsoft.EntityFrameworkCore", StringComparison.Ordinal)
                || n.StartsWith("StackExchange", StringComparison.Ordinal)
                || n.StartsWith("Hangfire", StringComparison.Ordinal));
}
