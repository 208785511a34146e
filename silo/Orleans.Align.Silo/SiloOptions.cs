namespace Orleans.Align.Silo;

/// <summary>Configuration section <c>Align:Silo</c>.</summary>
public sealed class SiloOptions
{
    public const string Section = "Align:Silo";

    /// <summary><c>localhost</c> for one machine; a multi-silo cluster comes with Redis clustering.</summary>
    public string Clustering { get; set; } = "localhost";

    /// <summary>
    /// <c>azure</c>: grain state and the event log in Azure Blob storage (Azurite locally), see
    /// <see cref="StorageOptions"/>. <c>memory</c>: both in this process only, lost with it.
    /// </summary>
    public string Storage { get; set; } = "azure";

    public int SiloPort { get; set; } = 11111;

    /// <summary>The port gateways (Orleans clients) connect to.</summary>
    public int GatewayPort { get; set; } = 30000;
}

/// <summary>Configuration section <c>Align:Storage</c>: where grain state and the event log live.</summary>
public sealed class StorageOptions
{
    public const string Section = "Align:Storage";

    /// <summary>An Azure Storage connection string; Azurite's development account locally.</summary>
    public string ConnectionString { get; set; } = "";

    public string GrainContainer { get; set; } = "align-grains";

    public Storage.BlobEventLogOptions Log { get; set; } = new();
}
