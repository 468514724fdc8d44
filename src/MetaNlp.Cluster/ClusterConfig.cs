using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;
using Orleans.Configuration;
using Orleans.Hosting;

namespace MetaNlp.Cluster;

/// <summary>
/// A cluster's configuration file (JSON; docs/CLUSTER.md): its identity, how members find each other (one machine:
/// <c>localhost</c>; several: <c>adonet</c>, Orleans' membership table in a database the user already runs) and the
/// ports. Read with <see cref="Load"/>, which checks every key and names the file and the key of a bad one.
/// </summary>
public sealed record ClusterConfig
{
    /// <summary>One machine: silos find the first one at 127.0.0.1 (<see cref="PrimarySiloPort"/>).</summary>
    public const string Localhost = "localhost";

    /// <summary>Several machines: the membership table in a database reached through ADO.NET.</summary>
    public const string AdoNet = "adonet";

    /// <summary>The cluster's name: members with another one never join it.</summary>
    public string ClusterId { get; init; } = "metanlp";

    /// <summary>The service's name (stays the same across deployments of one cluster).</summary>
    public string ServiceId { get; init; } = "metanlp";

    /// <summary>How members find each other: <see cref="Localhost"/> or <see cref="AdoNet"/>.</summary>
    public string Clustering { get; init; } = Localhost;

    /// <summary>A worker's silo-to-silo port (a worker's <c>--silo-port</c> overrides it).</summary>
    public int SiloPort { get; init; } = 11111;

    /// <summary>A worker's gateway port, where coordinators connect (a worker's <c>--gateway-port</c> overrides it).</summary>
    public int GatewayPort { get; init; } = 30000;

    /// <summary>Localhost clustering: the silo port of the first worker, which the others join.</summary>
    public int PrimarySiloPort { get; init; } = 11111;

    /// <summary>Localhost clustering: the workers' gateway ports a coordinator may connect to.</summary>
    public int[] Gateways { get; init; } = [30000];

    /// <summary>ADO.NET clustering: the provider's invariant name (<c>Npgsql</c>, <c>MySql.Data.MySqlClient</c>, <c>Microsoft.Data.SqlClient</c>).</summary>
    public string? Invariant { get; init; }

    /// <summary>ADO.NET clustering: the connection string of the database holding Orleans' membership table.</summary>
    public string? ConnectionString { get; init; }

    /// <summary>ADO.NET clustering: the address other machines reach this worker at (default: the machine's first IPv4 address).</summary>
    public string? AdvertisedAddress { get; init; }

    /// <summary>Seconds a coordinator waits for a worker's answer before counting the worker as lost (1 to 86,400).</summary>
    public int ResponseTimeoutSeconds { get; init; } = 600;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    /// <summary>Reads and checks a configuration file.</summary>
    /// <exception cref="ArgumentException">The file is not JSON, has an unknown key, or a value out of bounds; the message names the file and the key.</exception>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    public static ClusterConfig Load(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"Cluster configuration '{path}' does not exist.", path);
        ClusterConfig? config;
        try
        {
            config = JsonSerializer.Deserialize<ClusterConfig>(File.ReadAllText(path), Json);
        }
        catch (JsonException e)
        {
            string key = string.IsNullOrEmpty(e.Path) || e.Path == "$" ? "" : $" at key '{e.Path.TrimStart('$', '.')}'";
            throw new ArgumentException($"Cluster configuration '{path}'{key}: {e.Message.Split(" Path:")[0]}", e);
        }
        if (config is null) throw new ArgumentException($"Cluster configuration '{path}' is empty (null); it must be a JSON object.");
        config.Validate(path);
        return config;
    }

    /// <summary>Checks every key; <paramref name="source"/> names the file in the messages.</summary>
    /// <exception cref="ArgumentException">A value out of bounds, naming the key.</exception>
    public void Validate(string source = "cluster configuration")
    {
        void Fail(string key, string why) => throw new ArgumentException($"Cluster configuration '{source}', key '{key}': {why}");
        void Port(string key, int value)
        {
            if (value is < 1 or > 65535) Fail(key, $"{value} is not a port (1 to 65535).");
        }
        if (string.IsNullOrWhiteSpace(ClusterId)) Fail("clusterId", "must not be empty.");
        if (string.IsNullOrWhiteSpace(ServiceId)) Fail("serviceId", "must not be empty.");
        Port("siloPort", SiloPort);
        Port("gatewayPort", GatewayPort);
        if (ResponseTimeoutSeconds is < 1 or > 86_400) Fail("responseTimeoutSeconds", $"{ResponseTimeoutSeconds} is not 1 to 86400.");
        switch (Clustering)
        {
            case Localhost:
                Port("primarySiloPort", PrimarySiloPort);
                if (Gateways is null || Gateways.Length == 0) Fail("gateways", "lists no gateway port.");
                foreach (int g in Gateways!) Port("gateways", g);
                break;
            case AdoNet:
                if (string.IsNullOrWhiteSpace(Invariant)) Fail("invariant", "is required with adonet clustering (Npgsql, MySql.Data.MySqlClient, Microsoft.Data.SqlClient).");
                if (string.IsNullOrWhiteSpace(ConnectionString)) Fail("connectionString", "is required with adonet clustering.");
                if (AdvertisedAddress is not null && !IPAddress.TryParse(AdvertisedAddress, out _)) Fail("advertisedAddress", $"'{AdvertisedAddress}' is not an IP address.");
                break;
            default:
                Fail("clustering", $"'{Clustering}' is not one of {Localhost}, {AdoNet}.");
                break;
        }
    }

    /// <summary>Makes <paramref name="silo"/> a member of this cluster, on the given ports or the file's.</summary>
    public void ConfigureSilo(ISiloBuilder silo, int? siloPort = null, int? gatewayPort = null)
    {
        ArgumentNullException.ThrowIfNull(silo);
        int siloAt = siloPort ?? SiloPort, gatewayAt = gatewayPort ?? GatewayPort;
        silo.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (ClusterId, ServiceId));
        // Weights and gradients of a large encoder are big messages; MiniLM whole is about 90 MB of float32.
        silo.Configure<SiloMessagingOptions>(o => (o.MaxMessageBodySize, o.ResponseTimeout) = (1 << 30, TimeSpan.FromSeconds(ResponseTimeoutSeconds)));
        if (Clustering == Localhost)
        {
            silo.UseLocalhostClustering(siloAt, gatewayAt, new IPEndPoint(IPAddress.Loopback, PrimarySiloPort), ServiceId, ClusterId);
            return;
        }
        silo.UseAdoNetClustering(o => (o.Invariant, o.ConnectionString) = (Invariant!, ConnectionString!));
        if (AdvertisedAddress is null)
            silo.ConfigureEndpoints(Dns.GetHostName(), siloAt, gatewayAt, listenOnAnyHostAddress: true);
        else
            silo.ConfigureEndpoints(IPAddress.Parse(AdvertisedAddress), siloAt, gatewayAt, listenOnAnyHostAddress: true);
    }

    /// <summary>Makes <paramref name="client"/> (a coordinator) connect to this cluster.</summary>
    public void ConfigureClient(IClientBuilder client)
    {
        ArgumentNullException.ThrowIfNull(client);
        client.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (ClusterId, ServiceId));
        client.Configure<ClientMessagingOptions>(o => (o.MaxMessageBodySize, o.ResponseTimeout) = (1 << 30, TimeSpan.FromSeconds(ResponseTimeoutSeconds)));
        if (Clustering == Localhost)
            client.UseLocalhostClustering(Gateways, ServiceId, ClusterId);
        else
            client.UseAdoNetClustering(o => (o.Invariant, o.ConnectionString) = (Invariant!, ConnectionString!));
    }
}
