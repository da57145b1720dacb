namespace LicensePortal.Infrastructure;

/// <summary>One page of a list, as the grids ask for it and SQL answers it.</summary>
public sealed record PageRequest(int Page, int PageSize, string? SortBy, bool Descending)
{
    public const int MaxPageSize = 200;
    public int Skip => Math.Max(0, Page) * Take;
    public int Take => Math.Clamp(PageSize, 1, MaxPageSize);
}

public sealed record PageResult<T>(IReadOnlyList<T> Rows, int Total);

public static class PagingExtensions
{
    public static IQueryable<T> Page<T>(this IQueryable<T> query, PageRequest page) => query.Skip(page.Skip).Take(page.Take);

    public static PageRequest ToPageRequest<T>(this MudBlazor.GridState<T> state)
    {
        var sort = state.SortDefinitions.FirstOrDefault();
        return new PageRequest(state.Page, state.PageSize, sort?.SortBy, sort?.Descending ?? false);
    }
}
