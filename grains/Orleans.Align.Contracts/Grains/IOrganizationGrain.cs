using Orleans.Concurrency;

namespace Orleans.Align.Grains;

/// <summary>An organization (tenant). Key: the organization id. Owns the catalogue of departments, campaigns, goals and keys.</summary>
[Alias("align.IOrganizationGrain")]
public interface IOrganizationGrain : IGrainWithStringKey
{
    /// <summary>Creates the organization and its first admin key. Throws Conflict when it exists.</summary>
    [Alias("Create")]
    Task<OrganizationInfo> CreateAsync(string name, string adminKeyHash);

    /// <summary>Read-only, and interleaved so that grains the organization is calling can ask it back.</summary>
    [Alias("Get"), AlwaysInterleave]
    Task<OrganizationInfo?> GetAsync();

    [Alias("AddDepartment")]
    Task<Department> AddDepartmentAsync(Department department);

    [Alias("ListDepartments")]
    Task<IReadOnlyList<Department>> ListDepartmentsAsync();

    [Alias("AddCampaign")]
    Task<Campaign> AddCampaignAsync(Campaign campaign);

    [Alias("ListCampaigns")]
    Task<IReadOnlyList<Campaign>> ListCampaignsAsync();

    [Alias("CreateGoal")]
    Task<GoalView> CreateGoalAsync(GoalDefinition goal);

    /// <summary>Interleaved: a goal that lost its snapshot asks for its definition while activating.</summary>
    [Alias("GetGoalDefinition"), AlwaysInterleave]
    Task<GoalDefinition?> GetGoalDefinitionAsync(string goalId);

    [Alias("ListGoals")]
    Task<IReadOnlyList<GoalView>> ListGoalsAsync();

    /// <summary>Interleaved: the ingest log asks for it while activating, possibly inside a call from this organization.</summary>
    [Alias("GetRouting"), AlwaysInterleave]
    Task<OrganizationRouting> GetRoutingAsync();

    [Alias("AddApiKey")]
    Task<ApiKeyRecord> AddApiKeyAsync(string name, IReadOnlyList<string> scopes, string keyHash);

    [Alias("ListApiKeys")]
    Task<IReadOnlyList<ApiKeyRecord>> ListApiKeysAsync();

    [Alias("RevokeApiKey")]
    Task RevokeApiKeyAsync(string keyId);
}

/// <summary>A department of an organization. Key: <c>{org}/{department}</c>.</summary>
[Alias("align.IDepartmentGrain")]
public interface IDepartmentGrain : IGrainWithStringKey
{
    [Alias("Define")]
    Task DefineAsync(Department department);

    [Alias("Get")]
    Task<Department?> GetAsync();
}

/// <summary>An integrated campaign. Key: <c>{org}/{campaign}</c>.</summary>
[Alias("align.ICampaignGrain")]
public interface ICampaignGrain : IGrainWithStringKey
{
    [Alias("Define")]
    Task DefineAsync(Campaign campaign);

    [Alias("Get")]
    Task<Campaign?> GetAsync();
}

/// <summary>Resolves a credential. Key: the SHA-256 (hex) of the secret, so the lookup never sees the secret itself.</summary>
[Alias("align.IApiKeyGrain")]
public interface IApiKeyGrain : IGrainWithStringKey
{
    [Alias("Register")]
    Task RegisterAsync(ApiKeyRecord record);

    [Alias("Get")]
    Task<ApiKeyRecord?> GetAsync();

    [Alias("Revoke")]
    Task RevokeAsync();
}
