namespace Orleans.Align.Silo;

/// <summary>Configuration section <c>Align:Silo</c>.</summary>
public sealed class SiloOptions
{
    public const string Section = "Align:Silo";

    /// <summary><c>localhost</c> for one machine; a multi-silo cluster comes with Redis clustering.</summary>
    public string Clustering { get; set; } = "localhost";

    /// <summary><c>memory</c> keeps grain state and the event log in this process only.</summary>
    public string Storage { get; set; } = "memory";

    public int SiloPort { get; set; } = 11111;

    /// <summary>The port gateways (Orleans clients) connect to.</summary>
    public int GatewayPort { get; set; } = 30000;
}
