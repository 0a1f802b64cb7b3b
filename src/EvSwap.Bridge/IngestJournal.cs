using EvSwap.IngestLog;

namespace EvSwap.Bridge;

/// <summary>
/// The receiving end of the ingest path: every message taken from a broker is appended to the ingest log, with the
/// receive time its station will see, and counted in flight until the lanes let it go, so the log keeps it until the
/// archive has it.
/// </summary>
public sealed class IngestJournal(IIngestLog log, InFlightReceipts inFlight)
{
    public LogAppend Record(string topic, byte[] payload, DateTimeOffset receivedAt)
    {
        inFlight.Begin(receivedAt);
        return log.Append(new LogRecord(receivedAt, topic, payload));
    }

    public void Done(DateTimeOffset receivedAt) => inFlight.End(receivedAt);
}
