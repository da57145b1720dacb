using System.Linq.Expressions;
using System.Security.Claims;
using LicensePortal.Infrastructure;

namespace LicensePortal.Features.Outbox;

/// <summary>What an outbox message holds, which decides who may read it and open its attachment.</summary>
public enum OutboxKind
{
    Quote,
    Transfer,
    CustomerLicense,
    FraudNotice,
    Other,
}

/// <summary>
/// One document rule for the outbox, the same as the quote and transfer pages (docs/RULES.md, Who may do what).
/// The kind is derived from columns every message already has: <c>About</c> ("Quote …", "Transfer …",
/// "License …", "Protection reminder: …") is written by the code that enqueues it, and the fraud team's
/// notice is the one addressed to the fraud team or subject "Fraud case opened: …".
/// </summary>
public static class OutboxAccess
{
    public const string FraudNoticeSubject = "Fraud case opened:";

    /// <summary>The kind of a message, from its About, subject and recipient.</summary>
    public static OutboxKind KindOf(string about, string subject, string to, string fraudTeamAddress) =>
        about.StartsWith("Quote ", StringComparison.Ordinal) ? OutboxKind.Quote
        : about.StartsWith("Transfer ", StringComparison.Ordinal) ? OutboxKind.Transfer
        : subject.StartsWith(FraudNoticeSubject, StringComparison.Ordinal)
        || string.Equals(to, fraudTeamAddress, StringComparison.OrdinalIgnoreCase)
            ? OutboxKind.FraudNotice
        : about.StartsWith("License ", StringComparison.Ordinal) || about.StartsWith("Protection reminder: ", StringComparison.Ordinal)
            ? OutboxKind.CustomerLicense
        : OutboxKind.Other;

    /// <summary>The policy that may read a message of this kind and open its attachment.</summary>
    public static string PolicyFor(OutboxKind kind) =>
        kind switch
        {
            OutboxKind.Quote => Policies.Sales, // like /quotes/{id}.pdf
            OutboxKind.Transfer => Policies.Licenses, // like /transfers/{id}/letter.pdf
            OutboxKind.CustomerLicense => Policies.Licenses,
            OutboxKind.FraudNotice => Policies.Fraud,
            _ => Policies.Manager,
        };

    /// <summary>Admins run delivery, so they see every message; its attachment still follows the document's policy.</summary>
    public static bool MaySee(ClaimsPrincipal user, OutboxKind kind) => user.IsInRole(Roles.Admin) || user.Allows(PolicyFor(kind));

    public static bool MayOpenAttachment(ClaimsPrincipal user, OutboxKind kind) => user.Allows(PolicyFor(kind));

    /// <summary>The messages <paramref name="user"/> may see, as a filter EF translates to SQL.</summary>
    public static IQueryable<OutboxMessage> VisibleTo(
        this IQueryable<OutboxMessage> messages,
        ClaimsPrincipal user,
        string fraudTeamAddress
    )
    {
        if (user.IsInRole(Roles.Admin))
            return messages;
        var kinds = Enum.GetValues<OutboxKind>().Where(k => user.Allows(PolicyFor(k))).ToHashSet();
        if (kinds.Count == Enum.GetValues<OutboxKind>().Length)
            return messages;
        var team = fraudTeamAddress.ToLower();
        Expression<Func<OutboxMessage, bool>> quote = m => m.About.StartsWith("Quote ");
        Expression<Func<OutboxMessage, bool>> transfer = m => m.About.StartsWith("Transfer ");
        Expression<Func<OutboxMessage, bool>> notice = m => m.Subject.StartsWith(FraudNoticeSubject) || m.To.ToLower() == team;
        Expression<Func<OutboxMessage, bool>> license = m => m.About.StartsWith("License ") || m.About.StartsWith("Protection reminder: ");
        // Mirrors KindOf: each kind is its own test minus the kinds checked before it.
        Expression<Func<OutboxMessage, bool>> predicate = m => false;
        var earlier = new List<Expression<Func<OutboxMessage, bool>>>();
        foreach (
            var (kind, test) in new[]
            {
                (OutboxKind.Quote, quote),
                (OutboxKind.Transfer, transfer),
                (OutboxKind.FraudNotice, notice),
                (OutboxKind.CustomerLicense, license),
            }
        )
        {
            if (kinds.Contains(kind))
                predicate = Or(predicate, AndNot(test, earlier));
            earlier.Add(test);
        }
        if (kinds.Contains(OutboxKind.Other))
            predicate = Or(predicate, AndNot(m => true, earlier));
        return messages.Where(predicate);
    }

    private static Expression<Func<OutboxMessage, bool>> Or(
        Expression<Func<OutboxMessage, bool>> a,
        Expression<Func<OutboxMessage, bool>> b
    ) => Expression.Lambda<Func<OutboxMessage, bool>>(Expression.OrElse(a.Body, Rebind(b, a.Parameters[0])), a.Parameters);

    private static Expression<Func<OutboxMessage, bool>> AndNot(
        Expression<Func<OutboxMessage, bool>> test,
        IEnumerable<Expression<Func<OutboxMessage, bool>>> excluded
    )
    {
        var body = test.Body;
        foreach (var e in excluded)
            body = Expression.AndAlso(body, Expression.Not(Rebind(e, test.Parameters[0])));
        return Expression.Lambda<Func<OutboxMessage, bool>>(body, test.Parameters);
    }

    private static Expression Rebind(Expression<Func<OutboxMessage, bool>> e, ParameterExpression p) =>
        new Swap(e.Parameters[0], p).Visit(e.Body);

    private sealed class Swap(ParameterExpression from, ParameterExpression to) : ExpressionVisitor
    {
        protected override Expression VisitParameter(ParameterExpression node) => node == from ? to : node;
    }
}
