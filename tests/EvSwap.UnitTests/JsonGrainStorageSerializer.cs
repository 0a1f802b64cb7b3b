using System.Text.Json;
using Orleans.Storage;

namespace EvSwap.UnitTests;

/// <summary>The grain storage tests' serializer: plain JSON, so a stored state can be read without Orleans' codecs.</summary>
public sealed class JsonGrainStorageSerializer : IGrainStorageSerializer
{
    public BinaryData Serialize<T>(T? input) => new(JsonSerializer.SerializeToUtf8Bytes(input));

    public T Deserialize<T>(BinaryData input) => JsonSerializer.Deserialize<T>(input.ToArray())!;

    /// <summary>The state the storage tests write and read back.</summary>
    public sealed class Counter
    {
        public int N { get; set; }
    }
}
