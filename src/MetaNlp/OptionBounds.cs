using System.Globalization;

namespace MetaNlp;

/// <summary>
/// Range checks for option values, run before any tensor is made: a value outside its range throws
/// <see cref="ArgumentOutOfRangeException"/> (or <see cref="ArgumentException"/> for a name not among the allowed ones)
/// whose message names the option, the allowed range and the value given. Sizes that reach LibTorch unchecked
/// (a negative or huge number of filters, threads or embedding dimensions) crash the process instead of throwing.
/// </summary>
public static class OptionBounds
{
    /// <summary>Throws unless <paramref name="min"/> &lt;= <paramref name="value"/> &lt;= <paramref name="max"/>.</summary>
    public static void Check(string name, long value, long min, long max)
    {
        if (value < min || value > max)
            throw new ArgumentOutOfRangeException(name, string.Create(CultureInfo.InvariantCulture, $"{name} must be from {min:N0} to {max:N0} (got {value:N0})."));
    }

    /// <summary>Throws unless <paramref name="value"/> is finite and <paramref name="min"/> &lt;= value &lt;= <paramref name="max"/>.</summary>
    public static void Check(string name, double value, double min, double max)
    {
        if (!double.IsFinite(value) || value < min || value > max)
            throw new ArgumentOutOfRangeException(name, string.Create(CultureInfo.InvariantCulture, $"{name} must be a number from {min:G} to {max:G} (got {value:G})."));
    }

    /// <summary>Throws unless <paramref name="value"/> is finite and <paramref name="min"/> &lt; value &lt;= <paramref name="max"/>.</summary>
    public static void CheckAbove(string name, double value, double min, double max)
    {
        if (!double.IsFinite(value) || value <= min || value > max)
            throw new ArgumentOutOfRangeException(name, string.Create(CultureInfo.InvariantCulture, $"{name} must be a number above {min:G} and at most {max:G} (got {value:G})."));
    }

    /// <summary>Throws unless <paramref name="value"/> is one of <paramref name="allowed"/>.</summary>
    public static void OneOf(string name, string? value, IReadOnlyList<string> allowed)
    {
        if (value is null || !allowed.Contains(value, StringComparer.Ordinal))
            throw new ArgumentException($"{name} must be one of {string.Join(", ", allowed)} (got '{value}').", name);
    }

    /// <summary>Throws unless <paramref name="value"/> is a named member of <typeparamref name="T"/> (JSON also accepts numbers).</summary>
    public static void Defined<T>(string name, T value) where T : struct, Enum
    {
        if (!Enum.IsDefined(value))
            throw new ArgumentException($"{name} must be one of {string.Join(", ", Enum.GetNames<T>())} (got {value}).", name);
    }

    /// <summary>The message of <paramref name="e"/> without the " (Parameter 'x')" that <see cref="ArgumentException"/> appends: one line for people.</summary>
    public static string MessageOf(Exception e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return e is ArgumentException { ParamName: { } name } ? e.Message.Replace($" (Parameter '{name}')", "", StringComparison.Ordinal) : e.Message;
    }
}
