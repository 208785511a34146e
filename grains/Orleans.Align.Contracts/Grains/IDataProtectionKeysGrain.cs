namespace Orleans.Align.Grains;

/// <summary>
/// The key ring that encrypts people's session cookies (ASP.NET Core data protection), kept in the
/// cluster so that every gateway reads the same keys: a cookie issued by one gateway is accepted by
/// all. Key: always 0. Holds secrets, as grain storage already does (password hashes).
/// </summary>
[Alias("align.IDataProtectionKeysGrain")]
public interface IDataProtectionKeysGrain : IGrainWithIntegerKey
{
    /// <summary>Every key element stored, as XML text, oldest first.</summary>
    [Alias("GetAll")]
    Task<IReadOnlyList<string>> GetAllAsync();

    /// <summary>Stores a key element; a second store under the same name replaces the first.</summary>
    [Alias("Store")]
    Task StoreAsync(string friendlyName, string xml);
}
