using System.Text.RegularExpressions;

namespace MetaNlp.Generation;

/// <summary>
/// Translation tasks (one language pair each) from the shared data: Tatoeba as released with LASER (112 X–English
/// pairs, folder <c>tatoeba_laser</c>), NTREX-128 (English news source and 128 references, folder <c>ntrex128</c>) and
/// Multi30k (captions in English, German, French and Czech, folder <c>multi30k</c>). Tatoeba and NTREX have no
/// train/test split: the caller splits each task (and keeps the split fixed); Multi30k has its own.
/// </summary>
public static partial class TranslationTasks
{
    /// <summary>
    /// The Tatoeba pairs under <c>{dataDir}/tatoeba_laser/v1</c>, named <c>xxx-eng</c> (ISO 639-3), sorted by name.
    /// </summary>
    /// <param name="dataDir">The shared data folder (METANLP_DATA).</param>
    /// <param name="intoEnglish">True: source X, target English; false: source English, target X.</param>
    /// <exception cref="DirectoryNotFoundException">The folder is missing (the message names it).</exception>
    /// <exception cref="MetaNlp.Data.DatasetFormatException">A pair's two files differ in length or hold an empty line.</exception>
    public static IReadOnlyList<GenerationTask> Tatoeba(string dataDir, bool intoEnglish = true)
    {
        var dir = RequireDirectory(Path.Combine(dataDir, "tatoeba_laser", "v1"));
        var tasks = new List<GenerationTask>();
        foreach (var file in Directory.GetFiles(dir, "tatoeba.*-eng.eng.gz").Order(StringComparer.Ordinal))
        {
            var code = TatoebaFile().Match(Path.GetFileName(file)).Groups[1].Value;
            var foreign = Path.Combine(dir, $"tatoeba.{code}-eng.{code}.gz");
            tasks.Add(intoEnglish
                ? new GenerationTask($"{code}-eng", GenerationTaskFamily.Translation, ParallelFiles.Read(foreign, file))
                : new GenerationTask($"eng-{code}", GenerationTaskFamily.Translation, ParallelFiles.Read(file, foreign)));
        }
        return tasks;
    }

    /// <summary>
    /// The NTREX-128 directions out of English under <c>{dataDir}/ntrex128</c>: one task <c>eng-{code}</c> per reference
    /// file of <c>NTREX-128</c> and <c>NTREX-additional</c> (codes as in the file names, e.g. <c>fra</c>, <c>srp-Latn</c>,
    /// <c>spa-2</c> for the second Spanish reference), sorted by name. The English re-writes (eng-GB/IN/US) are left out.
    /// </summary>
    /// <param name="dataDir">The shared data folder (METANLP_DATA).</param>
    /// <param name="intoEnglish">True: reverse every task (source X, target English), named <c>{code}-eng</c>.</param>
    /// <exception cref="DirectoryNotFoundException">The folder is missing (the message names it).</exception>
    /// <exception cref="MetaNlp.Data.DatasetFormatException">A reference differs in length from the source or holds an empty line.</exception>
    public static IReadOnlyList<GenerationTask> Ntrex(string dataDir, bool intoEnglish = false)
    {
        var root = RequireDirectory(Path.Combine(dataDir, "ntrex128"));
        var english = Path.Combine(root, "NTREX-128", "newstest2019-src.eng.txt.gz");
        var tasks = new List<GenerationTask>();
        foreach (var sub in new[] { "NTREX-128", "NTREX-additional" })
        {
            var dir = Path.Combine(root, sub);
            if (!Directory.Exists(dir)) continue;
            foreach (var file in Directory.GetFiles(dir, "newstest2019-ref*.txt.gz"))
            {
                var match = NtrexFile().Match(Path.GetFileName(file));
                if (!match.Success) continue;
                var code = match.Groups[2].Value + (match.Groups[1].Success && match.Groups[1].Value.Length > 0 ? "-2" : "");
                if (code.StartsWith("eng-", StringComparison.Ordinal)) continue;
                tasks.Add(intoEnglish
                    ? new GenerationTask($"{code}-eng", GenerationTaskFamily.Translation, ParallelFiles.Read(file, english))
                    : new GenerationTask($"eng-{code}", GenerationTaskFamily.Translation, ParallelFiles.Read(english, file)));
            }
        }
        return [.. tasks.OrderBy(t => t.Name, StringComparer.Ordinal)];
    }

    /// <summary>The splits of Multi30k (<see cref="Multi30k"/>) and the languages each has.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> Multi30kSplits { get; } = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal)
    {
        ["train"] = ["cs", "de", "en", "fr"],
        ["val"] = ["cs", "de", "en", "fr"],
        ["test_2016_flickr"] = ["cs", "de", "en", "fr"],
        ["test_2017_flickr"] = ["de", "en", "fr"],
        ["test_2017_mscoco"] = ["de", "en", "fr"],
        ["test_2018_flickr"] = ["cs", "de", "en", "fr"],
    };

    /// <summary>
    /// Multi30k image-caption translation (folder <c>multi30k/raw</c>, non-commercial research use only: see its
    /// SOURCE.md): the captions are multi-way parallel, so every direction between the split's languages is a task,
    /// named <c>en-de</c>, <c>de-cs</c> …, sorted by name (12 directions; 6 for the 2017 test sets, which have no Czech).
    /// The sets are multi-way parallel: a sentence adapted on in one direction is the same caption in every other one,
    /// so hold the adaptation sample's captions out of meta-training in all directions.
    /// </summary>
    /// <param name="dataDir">The shared data folder (METANLP_DATA).</param>
    /// <param name="split">One of <see cref="Multi30kSplits"/>: <c>train</c> (29,000 captions), <c>val</c> (1,014), <c>test_2016_flickr</c> (1,000, the standard test set) …</param>
    /// <exception cref="ArgumentException">The split is not one of <see cref="Multi30kSplits"/>.</exception>
    /// <exception cref="DirectoryNotFoundException">The folder is missing (the message names it).</exception>
    /// <exception cref="MetaNlp.Data.DatasetFormatException">Two languages' files differ in length or a line is empty.</exception>
    public static IReadOnlyList<GenerationTask> Multi30k(string dataDir, string split)
    {
        if (!Multi30kSplits.TryGetValue(split, out var languages))
            throw new ArgumentException($"Multi30k split '{split}' is not one of {string.Join(", ", Multi30kSplits.Keys)}.", nameof(split));
        var dir = RequireDirectory(Path.Combine(dataDir, "multi30k", "raw"));
        return [.. from source in languages
                   from target in languages
                   where source != target
                   orderby $"{source}-{target}"
                   select new GenerationTask($"{source}-{target}", GenerationTaskFamily.Translation,
                       ParallelFiles.Read(Path.Combine(dir, $"{split}.{source}.gz"), Path.Combine(dir, $"{split}.{target}.gz")))];
    }

    internal static string RequireDirectory(string dir) =>
        Directory.Exists(dir) ? dir : throw new DirectoryNotFoundException($"generation data folder not found: {dir}");

    [GeneratedRegex(@"^tatoeba\.([a-z]{3})-eng\.eng\.gz$", RegexOptions.CultureInvariant)]
    private static partial Regex TatoebaFile();

    // newstest2019-ref.fra.txt.gz, newstest2019-ref.srp-Latn.txt.gz, newstest2019-ref-2.spa.txt.gz
    [GeneratedRegex(@"^newstest2019-ref(-2)?\.([A-Za-z]{3}(?:-[A-Za-z]+)?)\.txt\.gz$", RegexOptions.CultureInvariant)]
    private static partial Regex NtrexFile();
}
