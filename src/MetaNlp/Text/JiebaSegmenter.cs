using System.Security.Cryptography;
using JiebaNet.Segmenter;

namespace MetaNlp.Text;

/// <summary>
/// Chinese word segmentation by jieba.NET (the port of Python jieba: a prefix dictionary of 349,046 words for the
/// most probable path, an HMM for words not in it). Only Han runs are given to jieba; Latin words, numbers,
/// punctuation and emoji are split as in <see cref="ScriptRuns"/>, so mixed text segments the same way whatever
/// jieba does with non-Chinese characters.
/// </summary>
/// <remarks>
/// jieba.NET reads its dictionary and HMM files from the folder <see cref="ConfigManager.ConfigFileBaseDir"/>
/// (default: "Resources" beside the application), and its NuGet package puts them in no output folder. MetaNlp
/// therefore embeds the three files segmentation needs (dict.txt, prob_emit.json, prob_trans.json, MIT, from the
/// jieba.NET 0.42.2 package) and on first use writes them to a folder named by their hash under the temporary
/// directory (or <see cref="DataFolderVariable"/>), then points jieba there. Nothing is fetched from the network.
/// Setting that folder is process-wide: an application that uses jieba itself gets the same standard dictionary.
/// </remarks>
public sealed class JiebaSegmenter : ITextSegmenter
{
    /// <summary>An environment variable that, when set, names the folder jieba's files are written to and read from.</summary>
    public const string DataFolderVariable = "METANLP_JIEBA_DIR";

    /// <summary>The embedded files, by the name jieba.NET opens them with.</summary>
    internal static readonly string[] ResourceFiles = ["dict.txt", "prob_emit.json", "prob_trans.json"];

    private const string ResourcePrefix = "MetaNlp.Text.Resources.jieba.";

    private static readonly Lazy<JiebaSegmenter> Shared = new(() => new JiebaSegmenter(), LazyThreadSafetyMode.ExecutionAndPublication);

    private readonly JiebaNet.Segmenter.JiebaSegmenter _jieba;
    private readonly Lock _gate = new();

    private JiebaSegmenter()
    {
        ConfigManager.ConfigFileBaseDir = WriteResources();
        _jieba = new JiebaNet.Segmenter.JiebaSegmenter();
    }

    /// <summary>The one instance: loading the dictionary takes about a second and 100 MB, so it is done once per process.</summary>
    public static JiebaSegmenter Instance => Shared.Value;

    /// <inheritdoc />
    public string Name => TextSegmenters.Jieba;

    /// <inheritdoc />
    public IReadOnlyList<string> Split(string text, bool lowerCase)
    {
        ArgumentNullException.ThrowIfNull(text);
        var tokens = new List<string>();
        foreach (var (run, kind) in ScriptRuns.Split(text))
        {
            switch (kind)
            {
                case ScriptRunKind.Marker:
                    tokens.Add(run);
                    break;
                case ScriptRunKind.Han:
                    CutHan(run, tokens);
                    break;
                default:
                    tokens.Add(lowerCase ? run.ToLowerInvariant() : run);
                    break;
            }
        }
        return tokens;
    }

    // jieba.NET works on UTF-16 code units and would cut a supplementary-plane ideograph (CJK Extension B and later,
    // none of which is in its dictionary) into two lone surrogates: those become tokens of their own, and only the
    // basic-plane stretches between them go to jieba.
    private void CutHan(string run, List<string> tokens)
    {
        int start = 0;
        for (int i = 0; i <= run.Length; i++)
        {
            bool surrogate = i < run.Length && char.IsSurrogate(run[i]);
            if (i < run.Length && !surrogate) continue;
            if (i > start) CutBasicPlane(run[start..i], tokens);
            if (surrogate)
            {
                int length = i + 1 < run.Length && char.IsSurrogatePair(run[i], run[i + 1]) ? 2 : 1;
                tokens.Add(run.Substring(i, length));
                i += length - 1;
            }
            start = i + 1;
        }
    }

    private void CutBasicPlane(string han, List<string> tokens)
    {
        // jieba.NET's segmenter keeps caches that are not safe to share across threads.
        lock (_gate)
        {
            foreach (var word in _jieba.Cut(han, cutAll: false, hmm: true))
            {
                if (word.Length > 0) tokens.Add(word);
            }
        }
    }

    // Writes the embedded files once into a folder named by their content hash (so two versions never mix), each
    // through a temporary name and a rename, so a concurrent process or a killed write never leaves a partial file.
    private static string WriteResources()
    {
        var assembly = typeof(JiebaSegmenter).Assembly;
        var contents = ResourceFiles.Select(name =>
        {
            using var stream = assembly.GetManifestResourceStream(ResourcePrefix + name)
                ?? throw new InvalidOperationException($"Embedded resource '{ResourcePrefix + name}' is missing from {assembly.GetName().Name}.");
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            return (Name: name, Bytes: copy.ToArray());
        }).ToArray();
        string hash = Convert.ToHexStringLower(SHA256.HashData(contents.SelectMany(c => c.Bytes).ToArray()))[..16];
        string root = Environment.GetEnvironmentVariable(DataFolderVariable) is { Length: > 0 } configured ? configured : Path.Combine(Path.GetTempPath(), "metanlp-jieba");
        string folder = Path.Combine(root, hash);
        Directory.CreateDirectory(folder);
        foreach (var (name, bytes) in contents)
        {
            string target = Path.Combine(folder, name);
            if (File.Exists(target) && new FileInfo(target).Length == bytes.Length) continue;
            string temporary = StaleTempFiles.NameFor(target, ".tmp");
            File.WriteAllBytes(temporary, bytes);
            File.Move(temporary, target, overwrite: true);
        }
        return folder;
    }
}
