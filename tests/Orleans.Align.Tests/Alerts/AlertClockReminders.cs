using Orleans.Align.Grains.Goals;

namespace Orleans.Align.Tests.Alerts;

/// <summary>What a view's durable time reminder does, delivered by the test at the clock's time (the in-memory reminder service ticks on real time).</summary>
public static class AlertClockReminders
{
    /// <summary>One tick of the view's time reminder (goals, campaigns, departments and rules share its name); activates the view if it is not active, as a real tick would.</summary>
    public static Task TickAsync(this AlertClockFixture fixture, IAddressable view)
    {
        var now = fixture.Clock.GetUtcNow().UtcDateTime;
        return view.AsReference<IRemindable>().ReceiveReminder(GoalGrain.PaceReminder, new TickStatus(now, TimeSpan.FromHours(1), now));
    }
}
