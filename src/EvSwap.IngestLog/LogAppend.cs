namespace EvSwap.IngestLog;

/// <summary>
/// An appended record on its way to disk. <see cref="Written"/>: the record is in the operating system's hands, so it
/// survives the process being killed. <see cref="WaitDurableAsync"/>: it was fsynced with its group, so it survives
/// the host too.
/// </summary>
public readonly struct LogAppend
{
    private static readonly Task<Task> Done = Task.FromResult(Task.CompletedTask);

    private readonly Task<Task>? _written;

    /// <param name="written">Completes when the record is written, with the task that completes when it is durable (for log backends).</param>
    public LogAppend(Task<Task> written) => _written = written;

    /// <summary>An append to no log: complete at once.</summary>
    public static LogAppend None => new(Done);

    public Task Written => _written ?? Done;

    public async Task WaitDurableAsync()
    {
        var durable = await (_written ?? Done);
        await durable;
    }
}
