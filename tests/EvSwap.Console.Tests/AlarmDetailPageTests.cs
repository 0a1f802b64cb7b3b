using System.Security.Claims;
using Bunit;
using EvSwap.Api;
using EvSwap.Console.Pages;
using EvSwap.Contracts;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using MudBlazor.Services;

namespace EvSwap.Console.Tests;

/// <summary>An alarm's own page rendered by bUnit against a fake alarm shard (no silo).</summary>
public sealed class AlarmDetailPageTests : BunitContext
{
    private const string AlarmId = "st-7.over-temperature.2.b1s9";
    private static readonly DateTimeOffset Now = ConsoleLogicTests.Now;
    private readonly FakeAlarmShard _alarms = new();
    private readonly FakeTimeProvider _time = new(Now);

    public AlarmDetailPageTests()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
        Services.AddSingleton<TimeProvider>(_time);
        var grains = FakeGrainFactory.Create((type, key) => type == typeof(IAlarmShardGrain) ? _alarms : throw new InvalidOperationException($"No fake {type.Name}."));
        Services.AddSingleton(new AlarmReader(grains, Options.Create(new FleetOptions { Shards = 1 })));
        Services.AddSingleton(Options.Create(new ConsoleOptions()));
        Services.AddSingleton<Microsoft.Extensions.Hosting.IHostApplicationLifetime>(new RunningHost());
        _alarms.Items.Add(new Alarm(AlarmId, "st-7", 2, AlertKinds.OverTemperature, AlarmSeverities.Critical, "TEMP", "slot 2 at 70 °C",
            Now.AddMinutes(-30), null, null, null, null, [new(Now.AddMinutes(-20), "carol", "on my way"), new(Now.AddMinutes(-10), "dave", "fan replaced")], "bat-77"));
    }

    [Fact]
    public void An_alarm_shows_its_station_slot_battery_kind_times_and_comments_in_order()
    {
        _alarms.Items[0] = _alarms.Items[0] with { AcknowledgedAt = Now.AddMinutes(-25), AcknowledgedBy = "carol", ClearedAt = Now.AddMinutes(-5), Assignee = "dave" };
        AddAuthorization().SetAuthorized("bob");

        var page = Render(AlarmId);

        Assert.Equal("st-7", page.Find("#alarm-facts a[href='console/stations/st-7']").TextContent.Trim());
        Assert.Equal("2", page.Find("#alarm-slot").TextContent.Trim());
        Assert.Equal("bat-77", page.Find("#alarm-facts a[href='console/batteries/bat-77']").TextContent.Trim());
        Assert.Equal("over-temperature (TEMP)", page.Find("#alarm-kind").TextContent.Trim());
        Assert.Contains("‼ critical", page.Find("#alarm-facts").TextContent);
        Assert.Equal("✓ cleared-acknowledged", page.Find("#alarm-state").TextContent.Trim());
        Assert.Equal("by carol at 2026-11-24 17:35:00", page.Find("#alarm-acknowledged").TextContent.Trim());
        Assert.Equal("2026-11-24 17:55:00", page.Find("#alarm-cleared").TextContent.Trim());
        Assert.Equal("dave", page.Find("#alarm-assignee").TextContent.Trim());
        Assert.Equal(["carol, 2026-11-24 17:40:00: on my way", "dave, 2026-11-24 17:50:00: fan replaced"],
            page.FindAll("#alarm-comments li").Select(li => li.TextContent.Trim()));
    }

    [Fact]
    public void An_operator_acknowledges_assigns_and_comments_as_the_signed_in_user_and_sees_each_result()
    {
        SignInOperator();
        var page = Render(AlarmId);
        Assert.Equal("nobody", page.Find("#alarm-assignee").TextContent.Trim());

        page.Find("#alarm-acknowledge").Click();
        page.WaitForAssertion(() => Assert.Equal("by alice at 2026-11-24 18:00:00", page.Find("#alarm-acknowledged").TextContent.Trim()));
        Assert.Empty(page.FindAll("#alarm-acknowledge"));

        page.Find("#alarm-assignee-input").Input("  erin ");
        page.Find("#alarm-assign-form").Submit();
        page.WaitForAssertion(() => Assert.Equal("erin", page.Find("#alarm-assignee").TextContent.Trim()));
        Assert.Equal("", page.Find("#alarm-assignee-input").GetAttribute("value"));

        page.Find("#alarm-comment-input").Input("battery swapped out");
        page.Find("#alarm-comment-form").Submit();
        page.WaitForAssertion(() => Assert.Equal("alice, 2026-11-24 18:00:00: battery swapped out", page.FindAll("#alarm-comments li")[^1].TextContent.Trim()));

        Assert.Equal([$"Acknowledge:{AlarmId}", $"Assign:{AlarmId}", $"Comment:{AlarmId}"], _alarms.Changes);
        var stored = _alarms.Items.Single();
        Assert.Equal(("alice", "erin"), (stored.AcknowledgedBy, stored.Assignee));
        Assert.Equal(("alice", "assigned to erin"), (stored.Comments[^2].Author, stored.Comments[^2].Text));
    }

    [Fact]
    public void An_empty_comment_or_assignee_is_refused_with_a_message_and_never_reaches_the_shard()
    {
        SignInOperator();
        var page = Render(AlarmId);

        page.Find("#alarm-comment-input").Input("   ");
        page.Find("#alarm-comment-form").Submit();
        page.Find("#alarm-assign-form").Submit();

        Assert.Equal("Write a comment before adding it.", page.Find("#alarm-comment-error").TextContent.Trim());
        Assert.Equal("true", page.Find("#alarm-comment-input").GetAttribute("aria-invalid"));
        Assert.Equal("alarm-comment-error", page.Find("#alarm-comment-input").GetAttribute("aria-describedby"));
        Assert.Equal("Enter who to assign the alarm to.", page.Find("#alarm-assign-error").TextContent.Trim());
        Assert.Empty(_alarms.Changes);
        Assert.Equal(2, page.FindAll("#alarm-comments li").Count);
    }

    [Fact]
    public void A_reader_without_the_operate_right_sees_the_alarm_but_no_buttons_or_fields()
    {
        AddAuthorization().SetAuthorized("bob");

        var page = Render(AlarmId);

        Assert.Equal("not acknowledged", page.Find("#alarm-acknowledged").TextContent.Trim());
        Assert.Empty(page.FindAll("button"));
        Assert.Empty(page.FindAll("form"));
        Assert.Empty(page.FindAll("input, textarea"));
    }

    [Fact]
    public void A_change_made_elsewhere_shows_on_the_next_refresh()
    {
        AddAuthorization().SetAuthorized("bob");
        var page = Render(AlarmId);
        Assert.Equal("still active", page.Find("#alarm-cleared").TextContent.Trim());

        _alarms.Items[0] = _alarms.Items[0] with { ClearedAt = Now, Assignee = "frank" };
        _time.Advance(new ConsoleOptions().AlarmDetailRefresh);

        page.WaitForAssertion(() => Assert.Equal("frank", page.Find("#alarm-assignee").TextContent.Trim()));
        Assert.Equal("2026-11-24 18:00:00", page.Find("#alarm-cleared").TextContent.Trim());
    }

    [Fact]
    public void An_unknown_alarm_says_so_and_a_malformed_id_asks_no_shard()
    {
        AddAuthorization().SetAuthorized("bob");

        Assert.Contains("There is no alarm st-7.offline.station.t1", Render("st-7.offline.station.t1").Find("#alarm-unknown").TextContent);
        Assert.Equal(1, _alarms.Reads);

        Assert.Contains("'no-dots' is not an alarm id.", Render("no-dots").Markup);
        Assert.Equal(1, _alarms.Reads);
    }

    [Fact]
    public void Each_row_of_the_alarms_list_links_to_its_alarm_page()
    {
        AddAuthorization().SetAuthorized("bob");

        SetRendererInfo(new Microsoft.AspNetCore.Components.RendererInfo("Server", true));
        var list = Render<AlarmsPage>();

        var link = list.Find($"[data-alarm='{AlarmId}'] a[href='console/alarms/{AlarmId}']");
        Assert.Equal("over-temperature", link.TextContent.Trim());
        Assert.Equal("over-temperature at st-7, raised 2026-11-24 17:30:00: details", link.GetAttribute("aria-label"));
    }

    private void SignInOperator()
    {
        var auth = AddAuthorization();
        auth.SetAuthorized("Alice");
        auth.SetClaims(new Claim("cognito:username", "alice"));
        auth.SetPolicies(ApiSecurity.OperatePolicy);
    }

    private IRenderedComponent<AlarmDetailPage> Render(string id)
    {
        SetRendererInfo(new Microsoft.AspNetCore.Components.RendererInfo("Server", true));
        return Render<AlarmDetailPage>(p => p.Add(c => c.Id, id));
    }
}
