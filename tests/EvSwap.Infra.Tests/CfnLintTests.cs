using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace EvSwap.Infra.Tests;

/// <summary>
/// npm cfn-lint 1.9.7 validates structure against a 2019 resource specification. A finding may be waived only for
/// a resource that declares it in Metadata (cfn-lint.ignore: rule + path) and only for the three kinds of finding
/// that stale data produces; the waived property or type must then exist in the current specification.
/// </summary>
public class CfnLintTests
{
    public sealed record Classified(string Rule, string ResourceId, string Path, LintFinding Finding);
    public sealed record Ignore(string Template, string ResourceId, string Rule, string Path);

    private static readonly Regex UnknownType = new(@"^Resource (\S+) has an invalid Type of (\S+)\.$");
    private static readonly Regex UnknownProperty = new(@"^(\S+) is not a valid property of \S+$");
    private static readonly Regex MissingRequired = new(@"^Required property (\S+) missing for type \S+$");

    public static Classified? Classify(LintFinding f)
    {
        var parts = f.Resource.Split(" > ");
        if (parts.Length < 2 || parts[0] != "Resources") return null;
        var m = UnknownType.Match(f.Message);
        if (m.Success && parts.Length == 2) return new("UnknownResourceType", parts[1], "", f);
        m = UnknownProperty.Match(f.Message);
        if (m.Success && parts.Length >= 4 && parts[^1] == m.Groups[1].Value)
            return new("UnknownProperty", parts[1], string.Join('.', parts[2..]), f);
        m = MissingRequired.Match(f.Message);
        if (m.Success && parts.Length == 3 && parts[2] == "Properties")
            return new("MissingRequiredProperty", parts[1], "Properties." + m.Groups[1].Value, f);
        return null;
    }

    public static IEnumerable<Ignore> Ignores(InspectedTemplate t) =>
        from r in t.Resources
        let list = r.Value!["Metadata"]?["cfn-lint"]?["ignore"] as JsonArray
        where list != null
        from i in list
        select new Ignore(t.Name, r.Key, (string)i!["rule"]!, (string?)i["path"] ?? "");

    public static IEnumerable<object[]> Templates() => Repo.TemplateFiles.Select(f => new object[] { Path.GetFileName(f) });

    [Theory]
    [MemberData(nameof(Templates))]
    public void Template_parses_with_CloudFormation_short_tags(string template)
    {
        var t = Repo.Template(template);
        Assert.Null(t.ParseError);
        Assert.Equal("2010-09-09", (string?)t.Template!["AWSTemplateFormatVersion"]);
        Assert.NotEmpty(t.Resources);
        Assert.False(string.IsNullOrWhiteSpace((string?)t.Template["Description"]), "every template says what it deploys");
    }

    [Theory]
    [MemberData(nameof(Templates))]
    public void Template_has_no_cfn_lint_finding_except_declared_stale_specification_gaps(string template)
    {
        var t = Repo.Template(template);
        var ignores = Ignores(t).ToHashSet();
        var unexplained = t.Findings
            .Where(f => Classify(f) is not { } c || !ignores.Contains(new Ignore(t.Name, c.ResourceId, c.Rule, c.Path)))
            .Select(f => $"{f.Level}: {f.Resource}: {f.Message}")
            .ToList();
        Assert.True(unexplained.Count == 0, "cfn-lint findings:\n" + string.Join("\n", unexplained));
    }

    [Theory]
    [MemberData(nameof(Templates))]
    public void Every_cfn_lint_ignore_matches_a_finding_so_none_outlives_its_reason(string template)
    {
        var t = Repo.Template(template);
        var found = t.Findings.Select(Classify).OfType<Classified>()
            .Select(c => new Ignore(t.Name, c.ResourceId, c.Rule, c.Path)).ToHashSet();
        var unused = Ignores(t).Where(i => !found.Contains(i)).ToList();
        Assert.True(unused.Count == 0, "unused cfn-lint ignores:\n" + string.Join("\n", unused));
    }

    [Theory]
    [MemberData(nameof(Templates))]
    public void Every_cfn_lint_ignore_names_something_valid_in_the_current_specification(string template)
    {
        var t = Repo.Template(template);
        var spec = Spec.Current.Value;
        foreach (var i in Ignores(t))
        {
            var type = (string)t.Resource(i.ResourceId)["Type"]!;
            Assert.True(spec.TryGetResource(type, out var resource), $"{i}: {type} is not in the current specification");
            switch (i.Rule)
            {
                case "UnknownResourceType":
                    Assert.Equal("", i.Path);
                    break;
                case "UnknownProperty":
                    Assert.True(SpecificationTests.ResolvePropertyPath(spec, resource, t.Resource(i.ResourceId), i.Path),
                        $"{i}: the property is not in the current specification either, so the finding is real");
                    break;
                case "MissingRequiredProperty":
                    var prop = Spec.Property(resource, i.Path["Properties.".Length..]);
                    Assert.True(prop.HasValue, $"{i}: unknown property");
                    Assert.False(prop!.Value.TryGetProperty("required", out var req) && req.GetBoolean(),
                        $"{i}: the property is required in the current specification, so the finding is real");
                    break;
                default:
                    Assert.Fail($"{i}: only UnknownResourceType, UnknownProperty and MissingRequiredProperty may be ignored");
                    break;
            }
        }
    }
}
