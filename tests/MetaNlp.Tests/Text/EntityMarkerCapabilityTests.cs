using MetaNlp.Text;

namespace MetaNlp.Tests.Text;

/// <summary>
/// Entity markers are a capability of a tokenizer (<see cref="ITokenizer.MarkerId"/>): the model factory asks the
/// tokenizer for each marker's id and for the reason when it has none, whatever the tokenizer's type.
/// </summary>
public class EntityMarkerCapabilityTests
{
    [Fact]
    public void AWordTokenizerHasTheMarkersItsTextsCarried()
    {
        ITokenizer marked = WordTokenizer.Fit(["[E1] Bill Gates [/E1] founded [E2] Microsoft [/E2]"]);
        var words = (WordTokenizer)marked;
        foreach (var marker in EntityMarkers.All)
            Assert.Equal(words.Vocabulary.IdOf(marker), marked.MarkerId(marker));
        Assert.NotEqual(marked.MarkerId(EntityMarkers.HeadStart), marked.MarkerId(EntityMarkers.TailStart));

        ITokenizer plain = WordTokenizer.Fit(["no entities here"]);
        Assert.Null(plain.MarkerId(EntityMarkers.HeadStart));
        string why = plain.MarkerIdMissing(EntityMarkers.HeadStart);
        Assert.Contains("the training texts have no [E1]", why);
        Assert.Contains(string.Join(" ", EntityMarkers.All), why);
    }

    [Fact]
    public void WordPiecesHaveMarkersOnlyAsReservedTokens()
    {
        ITokenizer pieces = BertWordPieceTokenizer.MiniLm();
        Assert.All(EntityMarkers.All, m => Assert.Null(pieces.MarkerId(m)));
        Assert.Contains("reads them as pieces", pieces.MarkerIdMissing(EntityMarkers.HeadStart));

        ITokenizer tokens = BertWordPieceTokenizer.MiniLm().WithEntityMarkerTokens();
        var ids = EntityMarkers.All.Select(m => tokens.MarkerId(m) ?? -1).ToList();
        Assert.DoesNotContain(-1, ids);
        Assert.Equal(ids.Count, ids.Distinct().Count());
        // A marker reads as its one reserved id in a text, the id the capability gives.
        Assert.Contains(ids[0], tokens.Encode("[E1] bill [/E1] founded [E2] microsoft [/E2]"));
    }
}
