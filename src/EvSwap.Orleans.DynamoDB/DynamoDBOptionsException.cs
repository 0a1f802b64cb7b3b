namespace EvSwap.Orleans.DynamoDB;

/// <summary>Thrown at startup when DynamoDB options are unusable; the message lists every problem.</summary>
public sealed class DynamoDBOptionsException(string message) : Exception(message)
{
    internal static void ThrowIfInvalid(string what, IEnumerable<string> errors)
    {
        var list = errors.ToList();
        if (list.Count > 0)
        {
            throw new DynamoDBOptionsException($"Invalid DynamoDB options for {what}: " + string.Join(" ", list));
        }
    }
}
