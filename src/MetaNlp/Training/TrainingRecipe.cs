using MetaNlp.Algorithms;
using MetaNlp.Encoders;
using MetaNlp.Models;

namespace MetaNlp.Training;

/// <summary>
/// The best measured way to meta-train with one encoder family: learner, encoder settings, episode budget and
/// validation schedule, with the measurement behind it. A dataset of the registry declares its recipes once
/// (<see cref="DatasetRecipes"/>); data without one (a user's file, a benchmark not measured yet) gets
/// <see cref="General"/>. The command line takes every option it is not given from here, so a user who names only
/// the data trains the way that scored best.
/// </summary>
public sealed record TrainingRecipe
{
    /// <summary>Learner name (<see cref="LearnerRegistry"/>).</summary>
    public string Algorithm { get; init; } = PrototypicalNetwork.Name;

    /// <summary>The metric of metric learners that take one.</summary>
    public MetricDistance Distance { get; init; } = MetricDistance.Cosine;

    /// <summary>The encoder: kind, layers trained, pooling, dropouts.</summary>
    public required EncoderOptions Encoder { get; init; }

    /// <summary>
    /// The shots (K) this recipe is for, where the best measured way differs by K (FewRel: label texts and mean pooling
    /// at one shot, entity pooling at five); null: any K without a recipe of its own.
    /// </summary>
    public int? Shots { get; init; }

    /// <summary>Classes per training episode; null takes the protocol's.</summary>
    public int? Ways { get; init; }

    /// <summary>Outer learning rate, episode budget, validation schedule and patience.</summary>
    public required MetaTrainerOptions Trainer { get; init; }

    /// <summary>Whether each support set gains its labels' texts (<see cref="Data.LabelTexts"/>, <c>--label-text</c>).</summary>
    public bool LabelText { get; init; }

    /// <summary>How many support examples each label text counts as (<see cref="Data.LabelTexts.Weight"/>, <c>--label-text-weight</c>).</summary>
    public int LabelTextWeight { get; init; } = 1;

    /// <summary>
    /// Longest token sequence kept per text (<see cref="Text.WordTokenizerOptions.MaxLength"/>, <c>--max-tokens</c>):
    /// long texts read over characters (FewCLUE's app descriptions and abstracts) lose what lies past it.
    /// </summary>
    public int MaxTokens { get; init; } = Text.WordTokenizerOptions.DefaultMaxLength;

    /// <summary>The supervised contrastive stage before meta-training (no epochs: none).</summary>
    public ContrastiveOptions Contrastive { get; init; } = new();

    /// <summary>What was measured with this recipe and where (a line of docs/BENCHMARKS.md).</summary>
    public required string Evidence { get; init; }

    /// <summary>
    /// Every encoder kind's recipe for data that declares none. The pretrained encoder comes first, so it is the
    /// default: with no training it beats every word encoder we meta-train (docs/BENCHMARKS.md), and meta-training
    /// its top two layers added to it on both benchmarks measured. Validation runs before the first episode too,
    /// so a run that never improves on the pretrained encoder keeps it.
    /// </summary>
    public static IReadOnlyList<TrainingRecipe> General { get; } =
    [
        MiniLm(2, 1e-5, "General: cosine ProtoNet over MiniLM with its top 2 layers meta-trained, which added to the frozen encoder on HuffPost 5-shot (69.64 at 1e-5, 68.78 at 5e-5, against 67.32) and FewRel 5-shot (79.05 at 5e-5 against 72.12); the lower rate, the better one on HuffPost, overfits later; not measured on this data."),
        WordEncoder(CnnEncoder.KindName, wordDropout: 0.2, "General: cosine ProtoNet-CNN with word dropout 0.2, which raised HuffPost 1- and 5-shot and FewRel 5-shot (docs/BENCHMARKS.md, word dropout); not measured on this data."),
        WordEncoder(BagOfEmbeddingsEncoder.KindName, 0, "General: cosine ProtoNet with the trainer's defaults; not measured on this data."),
        WordEncoder(BiLstmEncoder.KindName, 0, "General: cosine ProtoNet with the trainer's defaults; not measured on this data."),
        WordEncoder(TransformerEncoder.KindName, 0, "General: cosine ProtoNet with the trainer's defaults; not measured on this data."),
    ];

    /// <summary>
    /// The recipe for <paramref name="encoder"/> (null: the first's, the default encoder) at <paramref name="shots"/>
    /// among <paramref name="recipes"/>: the one declared for those shots, else the one for any; else the encoder's
    /// among <see cref="General"/>.
    /// </summary>
    public static TrainingRecipe For(IReadOnlyList<TrainingRecipe>? recipes, string? encoder, int? shots = null)
    {
        var own = recipes ?? [];
        string kind = encoder ?? (own.Count > 0 ? own[0].Encoder.Kind : General[0].Encoder.Kind);
        var ofKind = own.Where(r => r.Encoder.Kind == kind).ToList();
        return ofKind.FirstOrDefault(r => r.Shots is int k && k == shots)
            ?? ofKind.FirstOrDefault(r => r.Shots is null)
            ?? General.FirstOrDefault(r => r.Encoder.Kind == kind)
            ?? throw new ArgumentException($"Unknown encoder '{encoder}'. Known encoders: {string.Join(", ", EncoderOptions.Kinds)}.");
    }

    /// <summary>
    /// The recipe of every encoder kind for data with <paramref name="recipes"/>: those first (the default encoder's
    /// leading), then <see cref="General"/>'s for the kinds they leave out.
    /// </summary>
    public static IReadOnlyList<TrainingRecipe> All(IReadOnlyList<TrainingRecipe>? recipes)
    {
        var own = recipes ?? [];
        return [.. own, .. General.Where(g => own.All(r => r.Encoder.Kind != g.Encoder.Kind))];
    }

    /// <summary>
    /// The options record of <paramref name="learner"/> with <paramref name="given"/> set (property C# name to value,
    /// <see cref="LearnerDescriptor.Build"/>) and, where the learner has a metric and none is given, this recipe's
    /// <see cref="Distance"/>; the record's defaults for the rest. Checked when the spec is made.
    /// </summary>
    /// <exception cref="ArgumentException">A setting names no property of the learner's record.</exception>
    public object LearnerOptions(LearnerDescriptor learner, IReadOnlyDictionary<string, object> given)
    {
        ArgumentNullException.ThrowIfNull(learner);
        ArgumentNullException.ThrowIfNull(given);
        if (given.ContainsKey(nameof(PrototypicalOptions.Distance)) || !TakesDistance(learner)) return learner.Build(given);
        return learner.Build(new Dictionary<string, object>(given) { [nameof(PrototypicalOptions.Distance)] = Distance });
    }

    private static bool TakesDistance(LearnerDescriptor learner) => learner.Accepts(nameof(PrototypicalOptions.Distance), typeof(MetricDistance));

    /// <summary>The settings in one line, as the command line would spell them.</summary>
    public string Describe()
    {
        var parts = new List<string>();
        if (Shots is int shots) parts.Add($"--shots {shots}");
        parts.Add($"--algo {Algorithm}");
        if (TakesDistance(LearnerRegistry.Find(Algorithm))) parts.Add($"--distance {(Distance == MetricDistance.Cosine ? "cosine" : "euclidean")}"); // only learners whose options have a metric read it
        parts.Add($"--encoder {Encoder.Kind}");
        if (Encoder.FineTuneLayers != 0) parts.Add($"--finetune-layers {Encoder.FineTuneLayers}");
        if (Encoder.Pooling != EncoderOptions.MaxPooling) parts.Add($"--pooling {Encoder.Pooling}");
        if (Encoder.Embeddings != EncoderOptions.RandomEmbeddings) parts.Add($"--embeddings {Encoder.Embeddings}");
        if (Encoder.Tokenizer is EncoderOptions.JiebaTokens or EncoderOptions.CharacterTokens) parts.Add($"--tokenizer {Encoder.Tokenizer}");
        if (MaxTokens != Text.WordTokenizerOptions.DefaultMaxLength) parts.Add($"--max-tokens {MaxTokens}");
        if (Encoder.WordDropout > 0) parts.Add(FormattableString.Invariant($"--word-dropout {Encoder.WordDropout}"));
        if (Encoder.Dropout > 0) parts.Add(FormattableString.Invariant($"--dropout {Encoder.Dropout}"));
        if (LabelText) parts.Add("--label-text");
        if (LabelText && LabelTextWeight != 1) parts.Add($"--label-text-weight {LabelTextWeight}");
        if (Ways is int ways) parts.Add($"--ways {ways}");
        if (Contrastive.UnlabeledEpochs > 0) parts.Add(FormattableString.Invariant($"--unlabeled-epochs {Contrastive.UnlabeledEpochs}"));
        if (Contrastive.Epochs > 0) parts.Add(FormattableString.Invariant($"--contrastive-epochs {Contrastive.Epochs}"));
        if (Contrastive.Active) parts.Add(FormattableString.Invariant($"--contrastive-lr {Contrastive.LearningRate}"));
        parts.Add(FormattableString.Invariant($"--lr {Trainer.LearningRate} --max-episodes {Trainer.MaxEpisodes} --val-every {Trainer.ValidateEvery} --val-episodes {Trainer.ValidationEpisodes} --patience {Trainer.Patience}"));
        return string.Join(' ', parts);
    }

    /// <summary>
    /// A MiniLM recipe: cosine ProtoNet, the top <paramref name="layers"/> trained with Adam at
    /// <paramref name="learningRate"/>, validation every 100 episodes on 100, patience 3, at most 1,000 episodes
    /// (the best model came within the first few hundred in every run measured).
    /// </summary>
    public static TrainingRecipe MiniLm(int layers, double learningRate, string evidence, string pooling = EncoderOptions.MaxPooling) => new()
    {
        Encoder = new EncoderOptions { Kind = MiniLmEncoder.KindName, FineTuneLayers = layers, Pooling = pooling },
        Trainer = new MetaTrainerOptions { LearningRate = learningRate, MaxEpisodes = 1000, ValidateEvery = 100, ValidationEpisodes = 100, Patience = 3 },
        Evidence = evidence,
    };

    /// <summary>A word-encoder recipe: cosine ProtoNet, Adam 1e-3, the trainer's episode budget and validation schedule.</summary>
    public static TrainingRecipe WordEncoder(string kind, double wordDropout, string evidence) => new()
    {
        Encoder = new EncoderOptions { Kind = kind, WordDropout = wordDropout },
        Trainer = new MetaTrainerOptions(),
        Evidence = evidence,
    };
}
