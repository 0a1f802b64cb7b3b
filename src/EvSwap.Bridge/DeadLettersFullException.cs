namespace EvSwap.Bridge;

/// <summary>An invalid message refused because the dead-letter queue is at its bound; it is tried again, never dropped.</summary>
internal sealed class DeadLettersFullException(string message) : Exception(message);
