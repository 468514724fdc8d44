namespace MetaNlp.Cli;

/// <summary>
/// <c>--config FILE</c>: long option sets kept in a file, one option per line (<c>--lr 1e-4</c>; the rest of the line
/// after the option's name is its value, so class lists may hold spaces; blank lines and lines starting with '#'
/// are skipped). The file's options are put in place of <c>--config FILE</c> before parsing, so they are checked
/// like typed ones; an option also given on the command line keeps the command line's value.
/// </summary>
internal static class ConfigFile
{
    /// <summary>The option's name.</summary>
    public const string Option = "--config";

    /// <summary>The arguments with every <c>--config FILE</c> (or <c>--config=FILE</c>) replaced by the file's options.</summary>
    /// <exception cref="ArgumentException">A missing file name, or a line that is not an option; the message names the file and line.</exception>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    public static string[] Expand(string[] args)
    {
        if (!args.Any(IsConfig)) return args;
        var given = args.Where(a => a.StartsWith("--", StringComparison.Ordinal) && !IsConfig(a)).Select(NameOf).ToHashSet(StringComparer.Ordinal);
        var expanded = new List<string>();
        for (int i = 0; i < args.Length; i++)
        {
            if (!IsConfig(args[i]))
            {
                expanded.Add(args[i]);
                continue;
            }
            string? path = args[i].Length > Option.Length ? args[i][(Option.Length + 1)..] : i + 1 < args.Length ? args[++i] : null;
            if (string.IsNullOrWhiteSpace(path)) throw new ArgumentException($"{Option} needs a file name.");
            foreach (var (name, value) in Read(path))
            {
                if (given.Contains(name)) continue; // the command line wins
                expanded.Add(name);
                if (value is not null) expanded.Add(value);
            }
        }
        return [.. expanded];
    }

    private static bool IsConfig(string arg) => arg == Option || arg.StartsWith(Option + "=", StringComparison.Ordinal);

    private static string NameOf(string arg) => arg.Split('=', 2)[0];

    private static List<(string Name, string? Value)> Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{Option}: no file at '{path}'.", path);
        var lines = File.ReadAllText(path).Split('\n');
        var options = new List<(string, string?)>();
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i].Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            if (!line.StartsWith("--", StringComparison.Ordinal) || line.Length == 2)
                throw new ArgumentException($"{path}, line {i + 1}: expected an option such as `--lr 1e-4`, got '{(line.Length > 60 ? line[..57] + "..." : line)}'.");
            if (IsConfig(line.Split(' ', 2)[0])) throw new ArgumentException($"{path}, line {i + 1}: a config file cannot name another config file.");
            int space = line.IndexOfAny([' ', '\t']);
            if (space < 0)
            {
                options.Add((line, null));
                continue;
            }
            string value = line[(space + 1)..].Trim();
            if (value.Length >= 2 && value[0] == '"' && value[^1] == '"') value = value[1..^1];
            options.Add((line[..space], value));
        }
        return options;
    }
}
