namespace EvSwap.Contracts;

/// <summary>
/// A message refused because the silo that would hold it is at <c>Archive:MaxUnarchivedBytesPerSilo</c>. Nothing was
/// applied: the bridge leaves the message unacknowledged and tries it again once the archive has caught up.
/// </summary>
[GenerateSerializer]
public sealed class UnarchivedBudgetExceededException(string message) : Exception(message);
