using MetaNlp.Server;
using MetaNlp.Tests.Data;

namespace MetaNlp.Tests.Server;

/// <summary>The SQLite store on its own: what is written reads back, pages count labels, a refused change writes nothing.</summary>
public sealed class ClassifierStoreTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly ClassifierStore _store;

    public ClassifierStoreTests() => _store = new ClassifierStore(Path.Combine(_dir.Path, "store.db"));

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _dir.Dispose();
    }

    [Fact]
    public void ACreatedClassifierReadsBackWithItsExamplesInOrder()
    {
        var created = _store.Create("tickets", "minilm", 0.25, [("refund me", "billing"), ("app crashes", "bug"), ("charged twice", "billing")], "tenant:a");
        var (classifier, examples) = _store.GetWithExamples(created.Id)!.Value;
        Assert.Equal(created, classifier);
        Assert.Equal((1L, "tenant:a", 0.25, "minilm"), (classifier.Version, classifier.Owner, classifier.Threshold, classifier.BaseModel));
        Assert.Equal(["refund me", "app crashes", "charged twice"], examples.Select(e => e.Text));
        Assert.Equal(["billing", "bug", "billing"], examples.Select(e => e.Label));
        Assert.True(examples[0].Id < examples[1].Id && examples[1].Id < examples[2].Id);
        Assert.Equal(created, _store.Get(created.Id));
        Assert.Null(_store.Get("nope"));
        Assert.Null(_store.GetWithExamples("nope"));
    }

    [Fact]
    public void APageCountsEachClassifiersLabelsAndFiltersByOwner()
    {
        var a = _store.Create("a", "m", 0, [("1", "x"), ("2", "x"), ("3", "y")], "o1");
        var b = _store.Create("b", "m", 0, [("4", "y"), ("5", "z")], "o2");
        var c = _store.Create("c", "m", 0, [("6", "x"), ("7", "x")], "o1");

        var (all, total) = _store.ListPage(0, 10);
        Assert.Equal(3, total);
        Assert.Equal([a.Id, b.Id, c.Id], all.Select(p => p.Classifier.Id));   // oldest first
        Assert.Equal(new Dictionary<string, int> { ["x"] = 2, ["y"] = 1 }, all[0].LabelCounts);
        Assert.Equal(new Dictionary<string, int> { ["y"] = 1, ["z"] = 1 }, all[1].LabelCounts);

        var (second, _) = _store.ListPage(1, 1);
        Assert.Equal(b.Id, Assert.Single(second).Classifier.Id);
        Assert.Equal(new Dictionary<string, int> { ["y"] = 1, ["z"] = 1 }, second[0].LabelCounts);

        var (own, ownTotal) = _store.ListPage(0, 10, "o1");
        Assert.Equal(2, ownTotal);
        Assert.Equal([a.Id, c.Id], own.Select(p => p.Classifier.Id));
        Assert.Equal(new Dictionary<string, int> { ["x"] = 2 }, own[1].LabelCounts);
        Assert.Empty(_store.ListPage(3, 10).Page);
    }

    [Fact]
    public void AChangeBumpsTheVersionAndARefusedOneWritesNothing()
    {
        var created = _store.Create("a", "m", 0, [("1", "x"), ("2", "y")]);
        var first = _store.GetWithExamples(created.Id)!.Value.Examples;

        Assert.True(_store.ChangeExamples(created.Id, [("3", "z")], [first[0].Id], after => Assert.Equal(["2", "3"], after.Select(e => e.Text))));
        var changed = _store.GetWithExamples(created.Id)!.Value;
        Assert.Equal(2, changed.Classifier.Version);
        Assert.Equal(["2", "3"], changed.Examples.Select(e => e.Text));

        Assert.Throws<InvalidOperationException>(() => _store.ChangeExamples(created.Id, [("4", "x")], [], _ => throw new InvalidOperationException("refused")));
        Assert.Throws<KeyNotFoundException>(() => _store.ChangeExamples(created.Id, [("5", "x")], [first[0].Id], _ => { }));   // removed already
        var unchanged = _store.GetWithExamples(created.Id)!.Value;
        Assert.Equal(2, unchanged.Classifier.Version);
        Assert.Equal(["2", "3"], unchanged.Examples.Select(e => e.Text));

        Assert.False(_store.ChangeExamples("nope", [("6", "x")], [], _ => { }));
    }

    [Fact]
    public void ADeletedClassifierTakesItsExamplesWithIt()
    {
        var created = _store.Create("a", "m", 0, [("1", "x"), ("2", "y")]);
        var kept = _store.Create("b", "m", 0, [("3", "x"), ("4", "y")]);
        Assert.True(_store.Delete(created.Id));
        Assert.False(_store.Delete(created.Id));
        Assert.Null(_store.GetWithExamples(created.Id));
        var (page, total) = _store.ListPage(0, 10);
        Assert.Equal(1, total);
        Assert.Equal(kept.Id, Assert.Single(page).Classifier.Id);
        Assert.Equal(2, _store.GetWithExamples(kept.Id)!.Value.Examples.Count);
        Assert.Equal([kept.Id], _store.List().Select(c => c.Id));
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={_store.DatabasePath}");
        connection.Open();
        using var count = connection.CreateCommand();
        count.CommandText = "SELECT COUNT(*) FROM examples;";
        Assert.Equal(2L, (long)count.ExecuteScalar()!);   // the deleted classifier's rows went with it (foreign key cascade)
    }
}
