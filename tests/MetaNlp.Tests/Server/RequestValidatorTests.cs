using MetaNlp.Server;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace MetaNlp.Tests.Server;

/// <summary>The request checks on their own: each problem under the field it concerns, each bound at its edge.</summary>
public class RequestValidatorTests
{
    private static readonly ServiceLimits Limits = new() { MaxTextLength = 10, MaxLabels = 3, MaxExamples = 4, MaxBatch = 2, MaxNameLength = 5, MaxRequestCharacters = 12 };
    private static readonly RequestValidator Validator = new(Limits);

    private static ExampleInput Example(string? text, string? label) => new(text, label);

    [Fact]
    public void AValidCreateRequestHasNoProblem() =>
        Assert.Empty(Validator.Check(new CreateClassifierRequest("name", null, 0.5, [Example("a text", "a"), Example("b text", "b")])));

    [Fact]
    public void ACreateRequestReportsEachFieldByItsPath()
    {
        var errors = Validator.Check(new CreateClassifierRequest(" \u200b", null, 1.5, [Example("ok", "a"), Example("", "b"), Example("too long text", "label6"), null!]));
        string[] fields = ["name", "threshold", "examples[1].text", "examples[2].text", "examples[2].label", "examples[3]"];
        Assert.Equal(fields.Order(StringComparer.Ordinal), errors.Keys.Order(StringComparer.Ordinal));
        Assert.Contains("visible character", errors["name"][0], StringComparison.Ordinal);
        Assert.Equal("is 13 characters long; at most 10", errors["examples[2].text"][0]);
        Assert.Equal("is longer than 5 characters", errors["examples[2].label"][0]);
        Assert.Equal("is null", errors["examples[3]"][0]);
    }

    [Theory]
    [InlineData(double.NaN, true)]
    [InlineData(-0.01, true)]
    [InlineData(0.0, false)]
    [InlineData(1.0, false)]
    [InlineData(1.01, true)]
    public void AThresholdMustBeFromZeroToOne(double threshold, bool refused) =>
        Assert.Equal(refused, Validator.Check(new CreateClassifierRequest("n", null, threshold, [Example("a", "a"), Example("b", "b")])).ContainsKey("threshold"));

    [Fact]
    public void TooManyExamplesAreOneProblemOfTheList()
    {
        var errors = Validator.Check(new CreateClassifierRequest("n", null, null, [.. Enumerable.Range(0, 5).Select(i => Example($"t{i}", "a"))]));
        Assert.Equal("has 5 examples; at most 4", Assert.Single(errors).Value[0]);
        Assert.Contains("examples", Validator.Check(new CreateClassifierRequest("n", null, null, [])).Keys);
    }

    [Fact]
    public void AChangeNeedsSomethingToDoAndNoExampleRemovedTwice()
    {
        Assert.Contains("add", Validator.Check(new ChangeExamplesRequest(null, null)).Keys);
        Assert.Equal("lists an example twice", Validator.Check(new ChangeExamplesRequest(null, [3, 3]))["remove"][0]);
        Assert.Contains("add[0].label", Validator.Check(new ChangeExamplesRequest([Example("t", " ")], null)).Keys);
        Assert.Empty(Validator.Check(new ChangeExamplesRequest([Example("t", "a")], [1, 2])));
    }

    [Fact]
    public void AClassifyRequestNeedsOneToMaxBatchVisibleTexts()
    {
        Assert.Contains("texts", Validator.Check(new ClassifyRequest(null)).Keys);
        Assert.Contains("texts", Validator.Check(new ClassifyRequest([])).Keys);
        Assert.Equal("has 3 texts; at most 2 per request", Validator.Check(new ClassifyRequest(["a", "b", "c"]))["texts"][0]);
        Assert.Equal(["texts[1]"], Validator.Check(new ClassifyRequest(["a", "\t"])).Keys);
        Assert.Empty(Validator.Check(new ClassifyRequest(["a", "b"])));
    }

    [Fact]
    public void TheCostLimitCountsTheCharactersOfAllTexts()
    {
        Assert.Null(Validator.CheckCost(["123456", "123456"]));   // 12: at the limit
        var problem = Assert.IsType<ProblemHttpResult>(Validator.CheckCost(["123456", "1234567"]));
        Assert.Equal(StatusCodes.Status413PayloadTooLarge, problem.StatusCode);
        Assert.Equal(12, problem.ProblemDetails.Extensions["limit"]);
        Assert.Equal(13L, problem.ProblemDetails.Extensions["characters"]);
        Assert.Contains("--max-request-chars", problem.ProblemDetails.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, true)]
    [InlineData(1, false)]
    [InlineData(100, false)]
    [InlineData(101, true)]
    public void AnExplanationTopIsFromOneToAHundred(int top, bool refused) =>
        Assert.Equal(refused, Validator.Check(new ExplainRequest("text", top)).ContainsKey("top"));

    [Fact]
    public void PagingBoundsAreChecked()
    {
        Assert.Empty(Validator.CheckPage(null, null));
        Assert.Empty(Validator.CheckPage(0, RequestValidator.MaxPageSize));
        Assert.Equal(["offset"], Validator.CheckPage(-1, 1).Keys);
        Assert.Equal(["limit"], Validator.CheckPage(0, 0).Keys);
        Assert.Equal(["limit"], Validator.CheckPage(0, RequestValidator.MaxPageSize + 1).Keys);
    }

    [Fact]
    public void AClassifierNeedsTwoToMaxLabelsAndAtMostMaxExamples()
    {
        Assert.Equal("A classifier needs examples of at least two labels; it would have 1.", Validator.CheckClassifier(["a", "a"], 2));
        Assert.Equal("A classifier may have at most 3 labels; it would have 4.", Validator.CheckClassifier(["a", "b", "c", "d"], 4));
        Assert.Equal("A classifier may hold at most 4 examples; it would hold 5.", Validator.CheckClassifier(["a", "b"], 5));
        Assert.Null(Validator.CheckClassifier(["a", "b", "c"], 4));
        Assert.Null(Validator.CheckClassifier(["a", "A"], 2));   // labels are told apart by their exact characters
    }
}
