using Bunit;
using LicensePortal.Components.Shared;

namespace LicensePortal.Tests.Components;

public class FileButtonTests : BunitContext
{
    [Fact]
    public void Its_input_takes_no_file_until_Blazor_listens_to_it()
    {
        // Hold back Blazor's InputFile set-up in the browser, as a slow round trip does.
        var listening = JSInterop.SetupVoid("Blazor._internal.InputFile.init", _ => true);
        var button = Render<FileButton>(p => p.Add(b => b.Text, "Import CSV").AddUnmatched("accept", ".csv").AddUnmatched("data-testid", "csv-input"));

        var input = button.Find("[data-testid=csv-input]");
        Assert.Equal("file", input.GetAttribute("type"));
        Assert.Equal(".csv", input.GetAttribute("accept"));
        Assert.True(input.HasAttribute("disabled"));

        listening.SetVoidResult();

        button.WaitForAssertion(() => Assert.False(button.Find("[data-testid=csv-input]").HasAttribute("disabled")));
    }
}
