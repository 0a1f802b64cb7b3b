namespace EvSwap.Grains;

/// <summary>What every grain storage of this project sets on a state it read, wrote or cleared, in one place.</summary>
public static class GrainStates
{
    /// <summary>A stored record: its state and ETag.</summary>
    public static void Found<T>(IGrainState<T> grainState, T? state, string etag)
    {
        // As the providers did before: a serializer's null is stored as the state it stands for.
        grainState.State = state!;
        grainState.ETag = etag;
        grainState.RecordExists = true;
    }

    /// <summary>No record (never written, or cleared): a fresh state and no ETag.</summary>
    public static void Absent<T>(IGrainState<T> grainState)
    {
        grainState.State = Activator.CreateInstance<T>();
        grainState.ETag = null;
        grainState.RecordExists = false;
    }
}
