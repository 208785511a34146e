using Orleans.Align.Grains.Views;

namespace Orleans.Align.Tests.Alerts;

/// <summary>What a view's durable time reminder does, delivered by the test at the clock's time (the in-memory reminder service ticks on real time).</summary>
public static class AlertClockReminders
{
    /// <summary>One tick of the view's time reminder; activates the view if it is not active, as a real tick would.</summary>
    public static Task TickAsync(this AlertClockFixture fixture, IAddressable view)
    {
        var now = fixture.Clock.GetUtcNow().UtcDateTime;
        return view.AsReference<IRemindable>().ReceiveReminder(LogViewGrain<DummyState>.TimeReminder, new TickStatus(now, TimeSpan.FromHours(1), now));
    }

    /// <summary>Only to name the constant of the generic base.</summary>
    public sealed class DummyState : IViewState
    {
        public long AppliedThrough { get; set; }
        public DateTimeOffset UpdatedAt { get; set; }
    }
}
