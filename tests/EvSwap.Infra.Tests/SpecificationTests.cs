using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace EvSwap.Infra.Tests;

/// <summary>Every type, property and attribute in the templates exists in the current AWS resource specification,
/// and every Ref, GetAtt and Sub names something that exists.</summary>
public class SpecificationTests
{
    private static readonly HashSet<string> Pseudo =
    [
        "AWS::AccountId", "AWS::Region", "AWS::Partition", "AWS::StackName", "AWS::StackId", "AWS::URLSuffix",
        "AWS::NoValue", "AWS::NotificationARNs",
    ];

    public static IEnumerable<object[]> Templates() => CfnLintTests.Templates();

    [Theory]
    [MemberData(nameof(Templates))]
    public void Every_resource_type_and_property_exists_in_the_current_specification(string template)
    {
        var t = Repo.Template(template);
        var spec = Spec.Current.Value;
        var problems = new List<string>();
        foreach (var (id, body) in t.Resources.Select(r => (r.Key, (JsonObject)r.Value!)))
        {
            var type = (string)body["Type"]!;
            if (!spec.TryGetResource(type, out var resource)) { problems.Add($"{id}: unknown type {type}"); continue; }
            var props = body["Properties"] as JsonObject ?? new JsonObject();
            foreach (var (name, value) in props)
            {
                var p = Spec.Property(resource, name);
                if (p is null) { problems.Add($"{id}: {type} has no property {name}"); continue; }
                CheckValue(spec, p.Value.GetProperty("type"), value, $"{id}.{name}", problems);
            }
            if (resource.TryGetProperty("properties", out var all))
                foreach (var p in all.EnumerateObject())
                    if (p.Value.TryGetProperty("required", out var req) && req.GetBoolean() && !props.ContainsKey(p.Name))
                        problems.Add($"{id}: required property {p.Name} missing");
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Theory]
    [MemberData(nameof(Templates))]
    public void Every_GetAtt_names_an_attribute_of_the_current_specification(string template)
    {
        var t = Repo.Template(template);
        var spec = Spec.Current.Value;
        var problems = new List<string>();
        foreach (var (target, attribute, where) in References(t.Template!).Where(r => r.Attribute != null))
        {
            if (t.Resources[target] is not JsonObject res) continue; // reported by the resolution test
            var type = (string)res["Type"]!;
            if (!spec.TryGetResource(type, out var resource) || !spec.HasAttribute(resource, attribute!))
                problems.Add($"{where}: {type} has no attribute {attribute}");
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Theory]
    [MemberData(nameof(Templates))]
    public void Every_Ref_GetAtt_and_Sub_target_resolves(string template)
    {
        var t = Repo.Template(template);
        var problems = new List<string>();
        foreach (var (target, attribute, where) in References(t.Template!))
        {
            var ok = attribute == null
                ? t.Parameters.ContainsKey(target) || t.Resources.ContainsKey(target) || Pseudo.Contains(target)
                : t.Resources.ContainsKey(target);
            if (!ok) problems.Add($"{where}: {target}{(attribute == null ? "" : "." + attribute)} does not resolve");
        }
        var conditions = t.Template!["Conditions"] as JsonObject ?? new JsonObject();
        foreach (var (id, body) in t.Resources)
            if ((string?)body!["Condition"] is { } c && !conditions.ContainsKey(c)) problems.Add($"{id}: unknown condition {c}");
        foreach (var (id, body) in t.Resources)
            foreach (var dep in body!["DependsOn"] is JsonArray a ? a.Select(x => (string)x!) : body["DependsOn"] is JsonValue v ? [(string)v!] : [])
                if (!t.Resources.ContainsKey(dep)) problems.Add($"{id}: DependsOn unknown {dep}");
        var mappings = t.Template["Mappings"] as JsonObject ?? new JsonObject();
        foreach (var fim in Walk(t.Template).OfType<JsonObject>().Where(o => o.Count == 1 && o.ContainsKey("Fn::FindInMap")))
            if ((string?)fim["Fn::FindInMap"]![0] is { } map && !mappings.ContainsKey(map)) problems.Add($"unknown mapping {map}");
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    /// <summary>Ref targets (Attribute null) and GetAtt targets from Ref, Fn::GetAtt and ${...} in Fn::Sub.</summary>
    public static IEnumerable<(string Target, string? Attribute, string Where)> References(JsonNode root)
    {
        foreach (var (node, path) in WalkWithPath(root, ""))
        {
            if (node is not JsonObject o || o.Count != 1) continue;
            var (key, value) = o.First();
            switch (key)
            {
                case "Ref":
                    yield return ((string)value!, null, path);
                    break;
                case "Fn::GetAtt":
                    var parts = value is JsonArray arr ? arr.Select(x => (string)x!).ToArray() : ((string)value!).Split('.', 2);
                    yield return (parts[0], string.Join('.', parts[1..]), path);
                    break;
                case "Fn::Sub":
                    var text = value is JsonArray sa ? (string)sa[0]! : (string)value!;
                    var locals = value is JsonArray sa2 && sa2.Count > 1 && sa2[1] is JsonObject vars ? vars.Select(v => v.Key).ToHashSet() : [];
                    foreach (Match m in Regex.Matches(text, @"\$\{(?!!)([^}]+)\}"))
                    {
                        var name = m.Groups[1].Value.Trim();
                        if (locals.Contains(name)) continue;
                        var dot = name.IndexOf('.');
                        if (dot > 0 && !name.StartsWith("AWS::", StringComparison.Ordinal))
                            yield return (name[..dot], name[(dot + 1)..], path);
                        else
                            yield return (name, null, path);
                    }
                    break;
            }
        }
    }

    private static IEnumerable<JsonNode> Walk(JsonNode root) => WalkWithPath(root, "").Select(x => x.Node);

    private static IEnumerable<(JsonNode Node, string Path)> WalkWithPath(JsonNode? node, string path)
    {
        if (node is null) yield break;
        yield return (node, path);
        if (node is JsonObject o)
            foreach (var (k, v) in o) foreach (var x in WalkWithPath(v, path + "/" + k)) yield return x;
        else if (node is JsonArray a)
            for (var i = 0; i < a.Count; i++) foreach (var x in WalkWithPath(a[i], path + "/" + i)) yield return x;
    }

    private static bool IsIntrinsic(JsonNode? v) =>
        v is JsonObject o && o.Count == 1 && (o.ContainsKey("Ref") || o.First().Key.StartsWith("Fn::", StringComparison.Ordinal));

    private static void CheckValue(Spec spec, JsonElement type, JsonNode? value, string where, List<string> problems)
    {
        if (value is null) return;
        if (value is JsonObject io && io.Count == 1 && io.ContainsKey("Fn::If"))
        {
            var branches = io["Fn::If"]!.AsArray();
            CheckValue(spec, type, branches[1], where, problems);
            CheckValue(spec, type, branches[2], where, problems);
            return;
        }
        if (IsIntrinsic(value)) return;
        if (Spec.ElementType(type) is { } element && Spec.IsKind(type, "array"))
        {
            if (value is JsonArray arr) for (var i = 0; i < arr.Count; i++) CheckValue(spec, element, arr[i], $"{where}[{i}]", problems);
            return;
        }
        var candidates = spec.ObjectTypes(type).ToList();
        if (candidates.Count == 0 || value is not JsonObject obj) return;
        var fitting = candidates.FirstOrDefault(c => obj.All(kv => Spec.Property(c, kv.Key).HasValue));
        if (fitting.ValueKind == JsonValueKind.Undefined)
        {
            var names = candidates.Select(c => c.GetProperty("name").GetString());
            problems.Add($"{where}: {{{string.Join(", ", obj.Select(kv => kv.Key))}}} does not fit {string.Join(" | ", names)}");
            return;
        }
        foreach (var (k, v) in obj) CheckValue(spec, Spec.Property(fitting, k)!.Value.GetProperty("type"), v, $"{where}.{k}", problems);
    }

    /// <summary>Whether a dotted template path such as Properties.A.0.B names a property of the current specification.</summary>
    public static bool ResolvePropertyPath(Spec spec, JsonElement resource, JsonObject body, string path)
    {
        var parts = path.Split('.');
        if (parts[0] != "Properties" || parts.Length < 2) return false;
        var prop = Spec.Property(resource, parts[1]);
        if (prop is null) return false;
        var type = prop.Value.GetProperty("type");
        for (var i = 2; i < parts.Length; i++)
        {
            if (int.TryParse(parts[i], out _))
            {
                if (Spec.ElementType(type) is not { } el) return false;
                type = el;
                continue;
            }
            var next = spec.ObjectTypes(type).Select(t => Spec.Property(t, parts[i])).FirstOrDefault(p => p.HasValue);
            if (next is null) return false;
            type = next.Value.GetProperty("type");
        }
        return true;
    }
}
