using System.IO.Compression;
using System.Text.Json;

namespace EvSwap.Infra.Tests;

/// <summary>
/// The current CloudFormation resource specification from npm @aws-cdk/aws-service-spec (db.json.gz): resource types
/// with their properties and attributes, and the property types they reference by id.
/// </summary>
public sealed class Spec
{
    public static readonly Lazy<Spec> Current = new(Load);

    private readonly Dictionary<string, JsonElement> _resources = new(StringComparer.Ordinal);
    private readonly Dictionary<string, JsonElement> _types = new(StringComparer.Ordinal);
    private JsonDocument? _doc;

    private static Spec Load()
    {
        var path = Path.Combine(Repo.ChecksDir, "node_modules", "@aws-cdk", "aws-service-spec", "db.json.gz");
        using var gz = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
        var spec = new Spec { _doc = JsonDocument.Parse(gz) };
        var schema = spec._doc.RootElement.GetProperty("schema");
        foreach (var r in schema.GetProperty("resource").GetProperty("entities").EnumerateArray())
            spec._resources[r.GetProperty("cloudFormationType").GetString()!] = r;
        foreach (var t in schema.GetProperty("typeDefinition").GetProperty("entities").EnumerateArray())
            spec._types[t.GetProperty("$id").GetString()!] = t;
        return spec;
    }

    public bool TryGetResource(string type, out JsonElement resource) => _resources.TryGetValue(type, out resource);

    public static JsonElement? Property(JsonElement owner, string name) =>
        owner.TryGetProperty("properties", out var props) && props.TryGetProperty(name, out var p) ? p : null;

    public bool HasAttribute(JsonElement resource, string name) =>
        resource.TryGetProperty("attributes", out var attrs) && attrs.TryGetProperty(name, out _);

    /// <summary>The property-type definitions a spec type may resolve to (several for a union).</summary>
    public IEnumerable<JsonElement> ObjectTypes(JsonElement type)
    {
        switch (type.GetProperty("type").GetString())
        {
            case "ref":
                yield return _types[type.GetProperty("reference").GetProperty("$ref").GetString()!];
                break;
            case "union":
                foreach (var t in type.GetProperty("types").EnumerateArray())
                    foreach (var o in ObjectTypes(t)) yield return o;
                break;
        }
    }

    /// <summary>The element type of an array or map, or null.</summary>
    public static JsonElement? ElementType(JsonElement type) =>
        type.GetProperty("type").GetString() is "array" or "map" ? type.GetProperty("element") : null;

    public static bool IsKind(JsonElement type, string kind) => type.GetProperty("type").GetString() == kind;
}
