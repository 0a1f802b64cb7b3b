namespace EvSwap.Ledger;

/// <summary>Thrown instead of applying a message with swaps while the ledger cannot take more: the caller retries later, nothing is dropped.</summary>
[GenerateSerializer]
public sealed class LedgerBackloggedException(string message) : Exception(message);
