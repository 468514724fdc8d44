using MetaNlp.Data;

namespace MetaNlp.Models;

/// <summary>Options of <see cref="Training.MetaTrainer"/>.</summary>
public sealed record MetaTrainerOptions
{
    /// <summary>Training episodes at most.</summary>
    public int MaxEpisodes { get; init; } = 5000;

    /// <summary>Episodes whose losses are averaged per optimizer step.</summary>
    public int MetaBatchSize { get; init; } = 1;

    /// <summary>Outer (meta) optimizer: "adam", or "sgd" (plain steps; Reptile's original outer update).</summary>
    public string OuterOptimizer { get; init; } = "adam";

    /// <summary>
    /// How training episodes pick their classes (<see cref="TaskSamplers"/>): "uniform" (the default, N classes drawn
    /// uniformly per episode), "balanced" (least-drawn classes first), "curriculum" (easy to hard classes, widening
    /// over the run) or "hard" (the classes the model currently gets wrong or confuses drawn more often). Saved with
    /// the run, so <c>--resume</c> draws the same episodes.
    /// </summary>
    public string Sampler { get; init; } = TaskSamplers.Uniform;

    /// <summary>
    /// Floor, temperature, pair probability and decay of the "hard" <see cref="Sampler"/> (<see cref="HardClassSampler"/>);
    /// unused by the others. Saved with the run, so a resumed run keeps them.
    /// </summary>
    public HardSamplerOptions HardSampler { get; init; } = new();

    /// <summary>
    /// Row-sparse word-table updates: each step's backward pass computes gradients only for the rows of the encoder's
    /// word table that its episodes read (<see cref="Functional.SparseTableRows"/>), and the outer optimizer updates
    /// only those rows, lazily (<see cref="Workarounds.IRowSparseOptimizer"/>: PyTorch's <c>SparseAdam</c> semantics, the moments
    /// of rows a step did not read neither decay nor move them). False takes dense steps over the whole table (moments
    /// of unread rows decay and keep moving them). No effect on an encoder without a trained word table.
    /// </summary>
    public bool SparseEmbeddings { get; init; } = true;

    /// <summary>Outer learning rate.</summary>
    public double LearningRate { get; init; } = 1e-3;

    /// <summary>Weight decay (L2) of the outer optimizer.</summary>
    public double WeightDecay { get; init; }

    /// <summary>Clip the gradient norm to this value (0 turns clipping off).</summary>
    public double ClipGradientNorm { get; init; }

    /// <summary>Validate every this many training episodes (0: never; the last weights are kept).</summary>
    public int ValidateEvery { get; init; } = 200;

    /// <summary>Validation episodes (always the same ones: the validation sampler's first episodes).</summary>
    public int ValidationEpisodes { get; init; } = 200;

    /// <summary>Stop after this many validations without improvement.</summary>
    public int Patience { get; init; } = 10;

    /// <summary>Write the resumable training state every this many episodes.</summary>
    public int CheckpointEvery { get; init; } = 100;

    /// <summary>
    /// The run's seed: <see cref="Training.MetaTrainer"/> seeds LibTorch's generator with it plus the episode before each
    /// training step, which fixes dropout and every other random draw of training, the same for a run resumed there.
    /// <see cref="Api.MetaLearner"/> (and <c>metanlp train</c>) also seed the weight initialisation and the episode
    /// samplers with it, so two runs with the same seed, data and options give the same history and weights (on the
    /// same LibTorch thread count).
    /// </summary>
    public int Seed { get; init; } = 42;

    /// <summary>Largest <see cref="LearningRate"/>.</summary>
    public const double MaxLearningRate = 10;

    /// <summary>Most episodes per optimizer step (<see cref="MetaBatchSize"/>).</summary>
    public const int MaxMetaBatchSize = 1024;

    /// <summary>
    /// Checks the values and names the bad one: <see cref="MaxEpisodes"/>, <see cref="Patience"/> and
    /// <see cref="CheckpointEvery"/> at least 1; <see cref="MetaBatchSize"/> 1 to 1,024; <see cref="LearningRate"/>
    /// finite, above 0 and at most 10; <see cref="WeightDecay"/> 0 to 10; <see cref="ClipGradientNorm"/> 0 to
    /// 1,000,000; <see cref="ValidateEvery"/> at least 0; <see cref="ValidationEpisodes"/> 1 to 1,000,000;
    /// <see cref="HardSampler"/> by <see cref="HardSamplerOptions.Validate"/>.
    /// </summary>
    /// <exception cref="ArgumentException">A value is out of bounds (<see cref="ArgumentOutOfRangeException"/>) or an unknown optimizer or sampler.</exception>
    public void Validate()
    {
        OptionBounds.Check(nameof(MaxEpisodes), MaxEpisodes, 1, int.MaxValue);
        OptionBounds.OneOf(nameof(OuterOptimizer), OuterOptimizer, ["adam", "sgd"]);
        OptionBounds.OneOf(nameof(Sampler), Sampler, TaskSamplers.Names);
        if (HardSampler is null) throw new ArgumentException("The hard sampler's options are missing.", nameof(HardSampler));
        HardSampler.Validate();
        OptionBounds.Check(nameof(MetaBatchSize), MetaBatchSize, 1, MaxMetaBatchSize);
        OptionBounds.CheckAbove(nameof(LearningRate), LearningRate, 0, MaxLearningRate);
        OptionBounds.Check(nameof(WeightDecay), WeightDecay, 0, 10);
        OptionBounds.Check(nameof(ClipGradientNorm), ClipGradientNorm, 0, 1e6);
        OptionBounds.Check(nameof(ValidateEvery), ValidateEvery, 0, int.MaxValue);
        if (ValidateEvery > 0) OptionBounds.Check(nameof(ValidationEpisodes), ValidationEpisodes, 1, 1_000_000);
        OptionBounds.Check(nameof(Patience), Patience, 1, int.MaxValue);
        OptionBounds.Check(nameof(CheckpointEvery), CheckpointEvery, 1, int.MaxValue);
    }
}
