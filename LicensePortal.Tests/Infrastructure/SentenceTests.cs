using LicensePortal.Infrastructure;

namespace LicensePortal.Tests.Infrastructure;

public class SentenceTests
{
    [Theory]
    [InlineData("consent from Acme Inc.", "consent from Acme Inc.")]
    [InlineData("consent from Yahoo!", "consent from Yahoo!")]
    [InlineData("Who is Acme?", "Who is Acme?")]
    [InlineData("and so on…", "and so on…")]
    [InlineData("consent from Acme Ltd", "consent from Acme Ltd.")]
    [InlineData("consent from Acme Inc.  ", "consent from Acme Inc.")]
    [InlineData("consent from Acme Ltd \n", "consent from Acme Ltd.")]
    public void A_sentence_ends_with_one_full_stop_or_the_mark_it_already_has(string text, string expected) =>
        Assert.Equal(expected, Sentence.End(text));
}
