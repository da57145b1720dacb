using System.Linq.Expressions;
using System.Reflection;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace LicensePortal.Data;

/// <summary>
/// Searches are written once with <c>EF.Functions.Like</c>, which SQLite runs case-insensitively (for ASCII).
/// PostgreSQL's LIKE is case-sensitive: on PostgreSQL every <c>EF.Functions.Like</c> becomes <c>ILIKE</c> before
/// EF Core translates the query, so "acme" finds "Acme" on both engines.
/// </summary>
public sealed class CaseInsensitiveLikeInterceptor : ExpressionVisitor, IQueryExpressionInterceptor
{
    public static readonly CaseInsensitiveLikeInterceptor Instance = new();

    private static readonly MethodInfo Like = typeof(DbFunctionsExtensions).GetMethod(
        nameof(DbFunctionsExtensions.Like),
        [typeof(DbFunctions), typeof(string), typeof(string)]
    )!;

    private static readonly MethodInfo ILike = typeof(NpgsqlDbFunctionsExtensions).GetMethod(
        nameof(NpgsqlDbFunctionsExtensions.ILike),
        [typeof(DbFunctions), typeof(string), typeof(string)]
    )!;

    public Expression QueryCompilationStarting(Expression queryExpression, QueryExpressionEventData eventData) => Visit(queryExpression);

    protected override Expression VisitMethodCall(MethodCallExpression node) =>
        node.Method == Like ? Expression.Call(ILike, node.Arguments.Select(Visit)!) : base.VisitMethodCall(node);
}
