using Bunit;
using LicensePortal.Components.Shared;
using LicensePortal.Infrastructure;
using Microsoft.AspNetCore.Components;

namespace LicensePortal.Tests.Components;

public class DataTableTests : BunitContext
{
    private readonly List<PageRequest> asked = [];

    /// <summary>Rows 1..total, one page at a time, sorted by "N" when asked.</summary>
    private Func<PageRequest, CancellationToken, Task<PageResult<int>>> Numbers(int total) =>
        (page, _) =>
        {
            asked.Add(page);
            var all = Enumerable.Range(1, total);
            if (page is { SortBy: "N", Descending: true })
                all = all.Reverse();
            return Task.FromResult(new PageResult<int>([.. all.Skip(page.Skip).Take(page.Take)], total));
        };

    private static RenderFragment Column(bool sortable = true) =>
        builder =>
        {
            builder.OpenComponent<DataColumn<int>>(0);
            builder.AddAttribute(1, nameof(DataColumn<int>.Title), "Number");
            if (sortable)
                builder.AddAttribute(2, nameof(DataColumn<int>.SortBy), "N");
            builder.AddAttribute(3, nameof(DataColumn<int>.ChildContent), (RenderFragment<int>)(n => b => b.AddContent(0, n)));
            builder.CloseComponent();
        };

    private IRenderedComponent<DataTable<int>> Table(
        Func<PageRequest, CancellationToken, Task<PageResult<int>>> load,
        object? filter = null
    ) =>
        Render<DataTable<int>>(p =>
            p.Add(t => t.Load, load)
                .Add(t => t.Columns, Column())
                .Add(t => t.RowsPerPage, 10)
                .Add(t => t.Filter, filter)
                .Add(t => t.NoRecords, (RenderFragment)(b => b.AddContent(0, "Nothing here.")))
        );

    private static string[] Cells(IRenderedComponent<DataTable<int>> table) =>
        [.. table.FindAll("tbody td").Select(td => td.TextContent.Trim())];

    [Fact]
    public void It_shows_the_first_page_with_its_place_in_the_whole_list_and_pages_on()
    {
        var table = Table(Numbers(25));

        table.WaitForAssertion(() => Assert.Equal(["1", "2", "3", "4", "5", "6", "7", "8", "9", "10"], Cells(table)));
        Assert.Equal("1–10 of 25", table.Find(".mud-table-pagination-caption").TextContent);
        Assert.True(table.Find("[aria-label='Previous page']").HasAttribute("disabled"));

        table.Find("[aria-label='Last page']").Click();

        table.WaitForAssertion(() => Assert.Equal(["21", "22", "23", "24", "25"], Cells(table)));
        Assert.Equal("21–25 of 25", table.Find(".mud-table-pagination-caption").TextContent);
        Assert.True(table.Find("[aria-label='Next page']").HasAttribute("disabled"));
    }

    [Fact]
    public void A_sortable_header_sorts_ascending_then_descending_then_back_to_the_lists_own_order()
    {
        var table = Table(Numbers(25));
        table.WaitForAssertion(() => Assert.Equal(10, Cells(table).Length));

        table.Find("th button").Click();
        table.WaitForAssertion(() => Assert.Equal("ascending", table.Find("th").GetAttribute("aria-sort")));
        table.Find("th button").Click();
        table.WaitForAssertion(() => Assert.Equal("descending", table.Find("th").GetAttribute("aria-sort")));
        Assert.Equal("25", Cells(table)[0]);
        table.Find("th button").Click();
        table.WaitForAssertion(() => Assert.Equal("none", table.Find("th").GetAttribute("aria-sort")));

        Assert.Equal([(null, false), ("N", false), ("N", true), (null, false)], asked.Select(p => (p.SortBy, p.Descending)));
    }

    [Fact]
    public void Changed_filters_read_the_first_page_again()
    {
        var table = Table(Numbers(25), filter: "a");
        table.WaitForAssertion(() => Assert.Single(asked));
        table.Find("[aria-label='Next page']").Click();
        table.WaitForAssertion(() => Assert.Equal(1, asked[^1].Page));

        table.Render(p => p.Add(t => t.Filter, "b"));

        table.WaitForAssertion(() => Assert.Equal(3, asked.Count));
        Assert.Equal(0, asked[^1].Page);
        table.Render(p => p.Add(t => t.Filter, "b"));
        Assert.Equal(3, asked.Count);
    }

    [Fact]
    public async Task A_page_past_the_end_after_rows_went_away_shows_the_last_page_there_is()
    {
        var total = 25;
        var table = Table((page, ct) => Numbers(total)(page, ct));
        table.WaitForAssertion(() => Assert.Equal(10, Cells(table).Length));
        table.Find("[aria-label='Last page']").Click();
        table.WaitForAssertion(() => Assert.Equal(2, asked[^1].Page));

        total = 12;
        await table.InvokeAsync(table.Instance.RefreshAsync);

        table.WaitForAssertion(() => Assert.Equal(["11", "12"], Cells(table)));
        Assert.Equal(1, asked[^1].Page);
    }

    [Fact]
    public void An_answer_that_comes_after_a_newer_request_is_dropped()
    {
        var slow = new TaskCompletionSource<PageResult<int>>();
        var first = true;
        var table = Table(
            (page, ct) =>
            {
                asked.Add(page);
                if (!first)
                    return Task.FromResult(new PageResult<int>([7], 1));
                first = false;
                return slow.Task;
            },
            filter: "old"
        );

        table.Render(p => p.Add(t => t.Filter, "new"));
        table.WaitForAssertion(() => Assert.Equal(["7"], Cells(table)));
        slow.SetResult(new PageResult<int>([1, 2, 3], 3));

        table.WaitForAssertion(() => Assert.Equal(["7"], Cells(table)));
        Assert.Equal("1–1 of 1", table.Find(".mud-table-pagination-caption").TextContent);
    }

    [Fact]
    public void A_list_that_fails_to_load_says_so_and_the_page_stays_usable()
    {
        var table = Table((_, _) => Task.FromException<PageResult<int>>(new InvalidOperationException("database gone")));

        table.WaitForAssertion(() =>
            Assert.Equal(
                "This list could not be loaded. Try again; if it keeps failing, tell an administrator.",
                table.Find("[role=alert]").TextContent
            )
        );
    }

    [Fact]
    public void An_empty_list_shows_what_the_page_says_about_it()
    {
        var table = Table(Numbers(0));

        table.WaitForAssertion(() => Assert.Equal(["Nothing here."], Cells(table)));
        Assert.Equal("0 of 0", table.Find(".mud-table-pagination-caption").TextContent);
    }
}
