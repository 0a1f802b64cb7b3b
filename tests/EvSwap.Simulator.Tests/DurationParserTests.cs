namespace EvSwap.Simulator.Tests;

public class DurationParserTests
{
    [Theory]
    [InlineData("250ms", 250)]
    [InlineData("5s", 5_000)]
    [InlineData("1.5s", 1_500)]
    [InlineData("1m", 60_000)]
    [InlineData("2h", 7_200_000)]
    [InlineData("1d", 86_400_000)]
    [InlineData("5S", 5_000)]
    [InlineData(" 5s ", 5_000)]
    [InlineData("00:00:05", 5_000)]
    [InlineData("00:01:30", 90_000)]
    [InlineData("00:00:00.250", 250)]
    [InlineData("1.00:00:00", 86_400_000)]
    public void A_number_with_a_unit_or_a_colon_time_span_is_a_duration(string text, long milliseconds)
    {
        Assert.True(DurationParser.TryParse(text, out var value, out var error), error);
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), value);
    }

    [Theory]
    [InlineData("1", "use 1s or 00:00:01")]
    [InlineData("90", "use 90s or 00:01:30")]
    [InlineData("0.5", "use 0.5s or 00:00:00.5")]
    public void A_bare_number_is_refused_with_a_hint_instead_of_meaning_days(string text, string hint)
    {
        Assert.False(DurationParser.TryParse(text, out _, out var error));
        Assert.Contains(hint, error);
    }

    [Theory]
    [InlineData("")]
    [InlineData("s")]
    [InlineData("5x")]
    [InlineData("-5s")]
    [InlineData("5 s s")]
    [InlineData("1e3s")]
    [InlineData("NaNs")]
    [InlineData("NaN")]
    [InlineData("99:99:99")]
    [InlineData("-00:00:05")]
    public void Anything_else_is_refused_with_the_accepted_forms(string text)
    {
        Assert.False(DurationParser.TryParse(text, out _, out var error));
        Assert.Contains("5s", error);
    }

    [Fact]
    public void The_command_line_reads_unit_durations_into_the_options()
    {
        var options = Invoke("--interval", "250ms", "--duration", "2m").Options;

        Assert.NotNull(options);
        Assert.Equal(TimeSpan.FromMilliseconds(250), options.Interval);
        Assert.Equal(TimeSpan.FromMinutes(2), options.Duration);
    }

    [Fact]
    public void The_command_line_keeps_the_defaults_when_no_duration_is_given()
    {
        var options = Invoke().Options;

        Assert.NotNull(options);
        Assert.Equal(TimeSpan.FromSeconds(5), options.Interval);
        Assert.Null(options.Duration);
    }

    [Theory]
    [InlineData("--interval", "1", "--interval: '1' has no unit: use 1s or 00:00:01")]
    [InlineData("--duration", "60", "--duration: '60' has no unit: use 60s or 00:01:00")]
    [InlineData("--interval", "0s", "--interval must be more than zero")]
    [InlineData("--duration", "00:00:00", "--duration must be more than zero")]
    public void A_bad_duration_on_the_command_line_stops_before_the_run_and_says_what_to_write(string option, string value, string message)
    {
        var (exit, options, errors) = Invoke(option, value);

        Assert.NotEqual(0, exit);
        Assert.Null(options);
        Assert.Contains(message, errors);
    }

    private static (int Exit, SimulatorOptions? Options, string Errors) Invoke(params string[] args)
    {
        SimulatorOptions? seen = null;
        var command = SimulatorCommand.Create((options, _) =>
        {
            seen = options;
            return Task.FromResult(0);
        });
        var error = new StringWriter();
        var exit = command.Parse(args).Invoke(new System.CommandLine.InvocationConfiguration { Output = new StringWriter(), Error = error });
        return (exit, seen, error.ToString());
    }
}
