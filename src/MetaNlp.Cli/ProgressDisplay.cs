using MetaNlp.Evaluation;
using Spectre.Console;

namespace MetaNlp.Cli;

/// <summary>A progress bar on a terminal; silent when stdout is redirected or JSON is asked for.</summary>
internal static class ProgressDisplay
{
    public static bool Enabled(bool json) => !json && !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;

    /// <summary>Runs <paramref name="work"/>, which reports (done, description) through the callback it is given.</summary>
    public static T Run<T>(bool json, string title, long total, Func<Action<long, string?>, T> work)
    {
        if (!Enabled(json)) return work((_, _) => { });
        T result = default!;
        AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(context =>
            {
                var task = context.AddTask(Markup.Escape(title), maxValue: Math.Max(1, total));
                result = work((done, description) =>
                {
                    task.Value = done;
                    if (description is not null) task.Description = Markup.Escape($"{title} {description}");
                });
                task.Value = task.MaxValue;
            });
        return result;
    }

    /// <summary>
    /// Runs a protocol's evaluation, which reports its stages in order through the callback it is given: one bar
    /// per stage, titled by the stage, with the task just done (an ARSC task) after the title.
    /// </summary>
    public static T RunStages<T>(bool json, Func<Action<EvaluationProgress>, T> work)
    {
        if (!Enabled(json)) return work(_ => { });
        T result = default!;
        AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(context =>
            {
                ProgressTask? task = null;
                string? stage = null;
                result = work(p =>
                {
                    if (p.Stage != stage)
                    {
                        if (task is not null) task.Value = task.MaxValue;
                        task = context.AddTask(Markup.Escape(p.Stage), maxValue: Math.Max(1, p.Total));
                        stage = p.Stage;
                    }
                    task!.Value = p.Done;
                    if (p.Item is not null) task.Description = Markup.Escape($"{p.Stage} {p.Item}");
                });
                if (task is not null) task.Value = task.MaxValue;
            });
        return result;
    }
}
