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
        var button = Render<FileButton>(p =>
            p.Add(b => b.Text, "Import CSV").AddUnmatched("accept", ".csv").AddUnmatched("data-testid", "csv-input")
        );

        var input = button.Find("[data-testid=csv-input]");
        Assert.Equal("file", input.GetAttribute("type"));
        Assert.Equal(".csv", input.GetAttribute("accept"));
        Assert.True(input.HasAttribute("disabled"));

        listening.SetVoidResult();

        button.WaitForAssertion(() => Assert.False(button.Find("[data-testid=csv-input]").HasAttribute("disabled")));
    }

    [Fact]
    public async Task Enter_or_space_on_the_button_opens_the_file_picker_once_it_can_take_a_file()
    {
        var listening = JSInterop.SetupVoid("Blazor._internal.InputFile.init", _ => true);
        var open = JSInterop.SetupVoid("HTMLInputElement.prototype.click.call", _ => true);
        open.SetVoidResult();
        var button = Render<FileButton>(p => p.Add(b => b.Text, "Load request file…"));

        Assert.Equal("-1", button.Find("label").GetAttribute("tabindex"));
        await button.Find("label").KeyDownAsync(new Microsoft.AspNetCore.Components.Web.KeyboardEventArgs { Key = "Enter" });
        Assert.Empty(open.Invocations);

        listening.SetVoidResult();
        button.WaitForAssertion(() => Assert.Equal("0", button.Find("label").GetAttribute("tabindex")));
        await button.Find("label").KeyDownAsync(new Microsoft.AspNetCore.Components.Web.KeyboardEventArgs { Key = "Enter" });
        await button.Find("label").KeyDownAsync(new Microsoft.AspNetCore.Components.Web.KeyboardEventArgs { Key = " " });
        await button.Find("label").KeyDownAsync(new Microsoft.AspNetCore.Components.Web.KeyboardEventArgs { Key = "a" });

        Assert.Equal(2, open.Invocations.Count);
        Assert.Equal("button", button.Find("label").GetAttribute("role"));
    }
}
