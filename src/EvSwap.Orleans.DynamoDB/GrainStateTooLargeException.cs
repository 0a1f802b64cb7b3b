using Orleans;
using Orleans.Runtime;

namespace EvSwap.Orleans.DynamoDB;

/// <summary>A grain state that cannot be stored because its DynamoDB item would pass the 400 KB limit.</summary>
public sealed class GrainStateTooLargeException : OrleansException
{
    public GrainStateTooLargeException(GrainId grainId, string stateName, int itemBytes, int limitBytes)
        : base($"State '{stateName}' of grain {grainId} needs a DynamoDB item of {itemBytes:N0} bytes (after compression); the limit is {limitBytes:N0} bytes. Nothing was written. Keep less in grain state or move bulk data elsewhere (e.g. S3).")
    {
        ItemBytes = itemBytes;
        LimitBytes = limitBytes;
    }

    public int ItemBytes { get; }

    public int LimitBytes { get; }
}
