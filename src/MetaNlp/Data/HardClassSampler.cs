namespace MetaNlp.Data;

/// <summary>
/// Difficulty-aware training episodes (<c>--sampler hard</c>): the classes the model currently gets wrong, and the
/// pairs it confuses, are drawn more often. Over C classes and N ways it keeps two running estimates, updated from the
/// query predictions of every training episode (<see cref="Observe"/>, fed by the trainer):
/// <list type="bullet">
/// <item>the error e[c] of each class: after an episode holding c, e[c] = d e[c] + (1 - d) x (the fraction of c's
/// queries predicted as another class);</item>
/// <item>the confusion m[a, b] of each ordered pair: after an episode holding both, m[a, b] = d m[a, b] + (1 - d) x (the
/// fraction of a's queries predicted as b).</item>
/// </list>
/// Both start at chance, e = (N - 1) / N and m = 1 / N, and a class or pair absent from an episode keeps its value.
/// Episode i then draws its N classes one at a time without replacement, with a random stream of the seed and i:
/// the first class c with probability proportional to w[c] = (e[c] + f)^(1/t); each later class, with probability p
/// as a partner of the first class a, c with probability proportional to (m[a, c] + m[c, a] + f)^(1/t), otherwise by
/// w[c] (both among the classes not drawn yet). f is <see cref="HardSamplerOptions.Floor"/>, t
/// <see cref="HardSamplerOptions.Temperature"/>, p <see cref="HardSamplerOptions.PairProbability"/> and d
/// <see cref="HardSamplerOptions.Decay"/>. The floor keeps every class drawable: no weight is below f^(1/t).
/// Episode i is a function of the seed and the feedback on episodes 0 to i - 1, so the sampler must be driven in order
/// (<see cref="IEpisodeSource.Sample"/> of episode <see cref="Observed"/>, then <see cref="Observe"/> of it), and its
/// <see cref="State"/> travels in the training state so a resumed run continues identically.
/// </summary>
public sealed class HardClassSampler : IEpisodeFeedback
{
    /// <summary>The sampler's name in <see cref="TaskSamplerState.Sampler"/>.</summary>
    public const string Name = "hard";

    private readonly EpisodeSampler _inner;
    private readonly HardSamplerOptions _options;
    private readonly int _seed;
    private readonly Dictionary<string, int> _indexOf;
    private readonly double[] _error;
    private readonly double[] _confusion; // row-major [a, b]: a's queries predicted as b
    private long _observed;

    /// <summary>Draws the classes of <paramref name="inner"/>, whose examples it also draws, by the rule above.</summary>
    /// <param name="inner">The uniform sampler over the training classes.</param>
    /// <param name="options">f, t, p and d.</param>
    /// <param name="seed">Seed of the class draws (the run's seed).</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of its bounds (<see cref="HardSamplerOptions.Validate"/>).</exception>
    public HardClassSampler(EpisodeSampler inner, HardSamplerOptions options, int seed)
    {
        _inner = inner ?? throw new ArgumentNullException(nameof(inner));
        _options = options ?? throw new ArgumentNullException(nameof(options));
        options.Validate();
        _seed = seed;
        int count = inner.Classes.Count;
        _indexOf = new Dictionary<string, int>(count, StringComparer.Ordinal);
        for (int c = 0; c < count; c++) _indexOf[inner.Classes[c]] = c;
        _error = new double[count];
        _confusion = new double[count * count];
        Array.Fill(_error, (Ways - 1.0) / Ways);
        Array.Fill(_confusion, 1.0 / Ways);
        for (int c = 0; c < count; c++) _confusion[c * count + c] = 0;
    }

    /// <inheritdoc/>
    public EpisodeSamplerOptions Options => _inner.Options;

    /// <inheritdoc/>
    public int Ways => _inner.Ways;

    /// <inheritdoc/>
    public string? Note => _inner.Note;

    /// <inheritdoc/>
    public long Observed => _observed;

    /// <summary>The running error e of each class, in <see cref="EpisodeSampler.Classes"/> order.</summary>
    public IReadOnlyList<double> Errors => _error;

    /// <summary>The running confusion m[a, b]: how often a's queries are predicted as b.</summary>
    public double Confusion(int a, int b) => _confusion[a * _error.Length + b];

    /// <summary>The first-draw weights w[c] = (e[c] + f)^(1/t), in <see cref="EpisodeSampler.Classes"/> order (not normalised).</summary>
    public double[] Weights() => [.. _error.Select(Weight)];

    /// <summary>
    /// Sets the estimates directly (tests, and what-if studies of the rule): <paramref name="errors"/> one per class,
    /// <paramref name="confusion"/> [C x C] row-major or null to keep the current one. Values must be in [0, 1].
    /// </summary>
    /// <exception cref="ArgumentException">Not one value per class (per pair), or a value outside [0, 1].</exception>
    public void SetEstimates(IReadOnlyList<double> errors, IReadOnlyList<double>? confusion = null)
    {
        ArgumentNullException.ThrowIfNull(errors);
        int count = _error.Length;
        if (errors.Count != count) throw new ArgumentException($"{errors.Count} errors for {count} classes.", nameof(errors));
        if (confusion is not null && confusion.Count != count * count) throw new ArgumentException($"{confusion.Count} confusion values for {count} x {count} class pairs.", nameof(confusion));
        if (errors.Concat(confusion ?? []).Any(v => !(v >= 0 && v <= 1))) throw new ArgumentException("Every error and confusion value must be a number from 0 to 1.", nameof(errors));
        for (int c = 0; c < count; c++) _error[c] = errors[c];
        if (confusion is not null) for (int k = 0; k < confusion.Count; k++) _confusion[k] = confusion[k];
    }

    /// <inheritdoc/>
    /// <exception cref="InvalidOperationException"><paramref name="index"/> is not <see cref="Observed"/>: the draw depends on the feedback of every earlier episode.</exception>
    public Episode Sample(long index)
    {
        if (index != _observed)
            throw new InvalidOperationException($"The hard sampler draws episode {_observed} next (it has the feedback of episodes 0 to {_observed - 1}), not episode {index}: feed it every episode in order (IEpisodeFeedback.Observe), or restore its saved state.");
        return _inner.Sample(index, Pick(index));
    }

    /// <summary>The classes (indices into <see cref="EpisodeSampler.Classes"/>) episode <paramref name="index"/> draws from the current estimates, in episode order.</summary>
    public int[] Pick(long index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        int count = _error.Length;
        var random = new Random(EpisodeSeed(index));
        var taken = new bool[count];
        var picked = new int[Ways];
        var weights = new double[count];
        for (int k = 0; k < Ways; k++)
        {
            // Both numbers are drawn for every class after the first, whichever branch is taken, so the stream's
            // position does not depend on the estimates.
            bool partner = k > 0 && random.NextDouble() < _options.PairProbability;
            double u = random.NextDouble();
            for (int c = 0; c < count; c++)
                weights[c] = taken[c] ? 0 : partner ? PairWeight(picked[0], c) : Weight(_error[c]);
            int choice = Categorical(weights, u);
            taken[choice] = true;
            picked[k] = choice;
        }
        return picked;
    }

    /// <inheritdoc/>
    public void Observe(long index, Episode episode, IReadOnlyList<int> predicted)
    {
        ArgumentNullException.ThrowIfNull(episode);
        ArgumentNullException.ThrowIfNull(predicted);
        if (index != _observed) throw new ArgumentException($"The hard sampler expects the feedback of episode {_observed}, not {index}.", nameof(index));
        var labels = episode.QueryLabels;
        if (predicted.Count != labels.Count) throw new ArgumentException($"{predicted.Count} predictions for {labels.Count} queries.", nameof(predicted));
        int ways = episode.Ways;
        if (predicted.Any(p => p < 0 || p >= ways)) throw new ArgumentException($"A prediction is not a class position of the episode's {ways} classes.", nameof(predicted));
        var classes = new int[ways];
        for (int k = 0; k < ways; k++)
            classes[k] = _indexOf.TryGetValue(episode.Classes[k], out var c) ? c : throw new ArgumentException($"The episode's class '{episode.Classes[k]}' is not one of the sampler's classes.", nameof(episode));
        var queries = new int[ways];
        var predictedAs = new int[ways, ways];
        for (int j = 0; j < labels.Count; j++)
        {
            queries[labels[j]]++;
            predictedAs[labels[j], predicted[j]]++;
        }
        double keep = _options.Decay, move = 1 - keep;
        int count = _error.Length;
        for (int a = 0; a < ways; a++)
        {
            if (queries[a] == 0) continue; // no query of this class: nothing learnt about it
            int ca = classes[a];
            _error[ca] = keep * _error[ca] + move * (queries[a] - predictedAs[a, a]) / (double)queries[a];
            for (int b = 0; b < ways; b++)
            {
                if (b == a) continue;
                int cell = ca * count + classes[b];
                _confusion[cell] = keep * _confusion[cell] + move * predictedAs[a, b] / (double)queries[a];
            }
        }
        _observed++;
    }

    /// <summary>
    /// <see cref="TaskSamplerState.Values"/> holds C errors, then the C x C confusion row-major (C =
    /// <see cref="EpisodeSampler.Classes"/> count).
    /// </summary>
    public TaskSamplerState State => new(Name, _observed, [.. _error, .. _confusion]);

    /// <inheritdoc/>
    public void Restore(TaskSamplerState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        int count = _error.Length;
        if (state.Sampler != Name) throw new ArgumentException($"The saved sampler state is of the '{state.Sampler}' sampler, not '{Name}'.", nameof(state));
        if (state.Observed < 0) throw new ArgumentException($"The saved sampler state has observed {state.Observed} episodes.", nameof(state));
        if (state.Values is null || state.Values.Count != count + count * count)
            throw new ArgumentException($"The saved sampler state holds {state.Values?.Count ?? 0} values, not the {count + count * count} of {count} classes: it was saved over other training classes.", nameof(state));
        SetEstimates([.. state.Values.Take(count)], [.. state.Values.Skip(count)]);
        _observed = state.Observed;
    }

    private double Weight(double error) => Math.Pow(error + _options.Floor, 1 / _options.Temperature);

    private double PairWeight(int a, int c)
    {
        int count = _error.Length;
        return Math.Pow(_confusion[a * count + c] + _confusion[c * count + a] + _options.Floor, 1 / _options.Temperature);
    }

    // The class whose cumulative weight first exceeds u x total (weights of taken classes are 0).
    private static int Categorical(double[] weights, double u)
    {
        double total = weights.Sum(), target = u * total, sum = 0;
        int last = -1;
        for (int c = 0; c < weights.Length; c++)
        {
            if (weights[c] <= 0) continue;
            last = c;
            sum += weights[c];
            if (target < sum) return c;
        }
        return last; // rounding at the top end
    }

    // Another stream than the examples' (EpisodeSampler) and the other task samplers'.
    private int EpisodeSeed(long index) => EpisodeSampler.EpisodeSeed(_seed ^ 0x2545F491, index);
}
