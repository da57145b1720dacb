namespace LicensePortal.Features.Fraud;

/// <summary>What a batch, or a whole pass, changed.</summary>
public readonly record struct MonitorCounts(int PeriodsStarted, int PeriodsEnded, int CasesOpened, int KeysDisabled, int ResolvedByCustomer)
{
    public static MonitorCounts operator +(MonitorCounts a, MonitorCounts b) =>
        new(
            a.PeriodsStarted + b.PeriodsStarted,
            a.PeriodsEnded + b.PeriodsEnded,
            a.CasesOpened + b.CasesOpened,
            a.KeysDisabled + b.KeysDisabled,
            a.ResolvedByCustomer + b.ResolvedByCustomer
        );
}

public sealed record MonitorResult(int LicensesChecked, MonitorCounts Counts, TimeSpan Took)
{
    public int CasesOpened => Counts.CasesOpened;
    public int KeysDisabled => Counts.KeysDisabled;
    public int ResolvedByCustomer => Counts.ResolvedByCustomer;
    public int PeriodsStarted => Counts.PeriodsStarted;
    public int PeriodsEnded => Counts.PeriodsEnded;

    /// <summary>Another portal instance was running a pass on the same database: this one did nothing.</summary>
    public bool RunningElsewhere { get; init; }

    public static MonitorResult Elsewhere => new(0, default, TimeSpan.Zero) { RunningElsewhere = true };

    public override string ToString() =>
        RunningElsewhere
            ? "Another portal instance is running the monitor on this database now: its cases appear in the queue as it finds them."
            : $"Checked {LicensesChecked:N0} licenses in {Took.TotalSeconds:0.0} s: {CasesOpened} case(s) opened, {KeysDisabled} key(s) "
                + $"disabled, "
                + $"{ResolvedByCustomer} case(s) resolved by the customer, {PeriodsStarted} migration(s) started, {PeriodsEnded} ended.";
}
