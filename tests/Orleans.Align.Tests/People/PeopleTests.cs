using System.Security.Cryptography;
using System.Text;
using Orleans.Align.Grains;
using Orleans.Align.Tests.Cluster;

namespace Orleans.Align.Tests.People;

/// <summary>Accounts, memberships and sessions as grains: who may sign in where, lockout, and revocation.</summary>
[Collection(ClusterCollection.Name)]
public sealed class PeopleTests(ClusterFixture cluster)
{
    private const string Password = "correct horse battery staple";

    private static string NewEmail() => $"p-{Guid.NewGuid():N}@example.com";

    private static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    private IAccountGrain Account(string email) => cluster.Client.GetGrain<IAccountGrain>(email);

    private IMembershipGrain Membership(string org, string email) => cluster.Client.GetGrain<IMembershipGrain>(GrainKeys.For(org, email));

    /// <summary>Adds the person and sets the password with the token the admin was shown.</summary>
    private async Task<PersonAdded> AddWithPasswordAsync(TestOrganization org, string email, string role = PersonRoles.Member, params string[] departments)
    {
        if (departments.Length == 0 && PersonRoles.TakesDepartments(role)) departments = [TestOrganization.Marketing];
        var token = Guid.NewGuid().ToString("N");
        var added = await org.Grain.AddPersonAsync(email, "Pat", role, departments, Hash(token), DateTimeOffset.UtcNow.AddDays(1));
        if (added.NewAccount) Assert.True(await Account(email).SetPasswordAsync(Hash(token), Password));
        return added;
    }

    [Fact]
    public async Task A_new_person_has_no_password_until_the_token_sets_one_and_the_token_works_once()
    {
        var org = await cluster.NewOrganizationAsync();
        var email = NewEmail();
        var token = Guid.NewGuid().ToString("N");
        var added = await org.Grain.AddPersonAsync(email, "Pat", PersonRoles.Viewer, [], Hash(token), DateTimeOffset.UtcNow.AddDays(1));

        Assert.True(added.NewAccount);
        Assert.Equal(SignInOutcome.Failed, (await Account(email).CheckPasswordAsync(Password)).Outcome);
        Assert.False(await Account(email).SetPasswordAsync(Hash("wrong token"), Password));
        Assert.True(await Account(email).SetPasswordAsync(Hash(token), Password));
        Assert.False(await Account(email).SetPasswordAsync(Hash(token), "another password!")); // spent
        Assert.Equal(SignInOutcome.Succeeded, (await Account(email).CheckPasswordAsync(Password)).Outcome);
        Assert.Equal([org.Id], (await Account(email).GetAsync())!.Organizations);
    }

    [Fact]
    public async Task A_password_reset_is_issued_only_for_an_account_of_the_organization_named_once_a_minute_and_sets_a_new_password()
    {
        var org = await cluster.NewOrganizationAsync();
        var other = await cluster.NewOrganizationAsync();
        var email = NewEmail();
        await AddWithPasswordAsync(org, email, PersonRoles.Viewer);
        var expires = DateTimeOffset.UtcNow.AddHours(1);

        Assert.Null(await Account(NewEmail()).IssuePasswordResetAsync(null, Hash("r0"), expires));       // no such account
        Assert.Null(await Account(email).IssuePasswordResetAsync(other.Id, Hash("r0"), expires));        // not a member there
        var reset = await Account(email).IssuePasswordResetAsync(org.Id, Hash("r1"), expires);
        Assert.Equal(new PasswordReset(email, "Pat", org.Id), reset);
        Assert.Null(await Account(email).IssuePasswordResetAsync(null, Hash("r2"), expires));            // within the interval: nothing
        Assert.False(await Account(email).SetPasswordAsync(Hash("r2"), "a new long password"));

        Assert.Equal(SignInOutcome.Succeeded, (await Account(email).CheckPasswordAsync(Password)).Outcome); // the old one works until the reset is used
        Assert.True(await Account(email).SetPasswordAsync(Hash("r1"), "a new long password"));
        Assert.False(await Account(email).SetPasswordAsync(Hash("r1"), "yet another password"));          // spent
        Assert.Equal(SignInOutcome.Failed, (await Account(email).CheckPasswordAsync(Password)).Outcome);
        Assert.Equal(SignInOutcome.Succeeded, (await Account(email).CheckPasswordAsync("a new long password")).Outcome);
    }

    [Fact]
    public async Task A_reset_without_an_organization_names_the_only_one_and_none_when_there_are_several()
    {
        var first = await cluster.NewOrganizationAsync();
        var second = await cluster.NewOrganizationAsync();
        var email = NewEmail();
        await AddWithPasswordAsync(first, email, PersonRoles.Viewer);
        Assert.Equal(first.Id, (await Account(email).IssuePasswordResetAsync(null, Hash("a"), DateTimeOffset.UtcNow.AddHours(1)))!.OrgId);

        var both = NewEmail();
        await AddWithPasswordAsync(first, both, PersonRoles.Viewer);
        await AddWithPasswordAsync(second, both, PersonRoles.Viewer);
        Assert.Null((await Account(both).IssuePasswordResetAsync(null, Hash("b"), DateTimeOffset.UtcNow.AddHours(1)))!.OrgId);
    }

    [Fact]
    public async Task An_expired_token_sets_no_password()
    {
        var org = await cluster.NewOrganizationAsync();
        var email = NewEmail();
        await org.Grain.AddPersonAsync(email, "Pat", PersonRoles.Viewer, [], Hash("t"), DateTimeOffset.UtcNow.AddSeconds(-1));
        Assert.False(await Account(email).SetPasswordAsync(Hash("t"), Password));
    }

    [Fact]
    public async Task Repeated_wrong_passwords_lock_the_account_and_then_even_the_right_one_is_refused()
    {
        var org = await cluster.NewOrganizationAsync();
        var email = NewEmail();
        await AddWithPasswordAsync(org, email);

        for (var i = 1; i < 5; i++) Assert.Equal(SignInOutcome.Failed, (await Account(email).CheckPasswordAsync("wrong " + i)).Outcome);
        var fifth = await Account(email).CheckPasswordAsync("wrong 5");

        Assert.Equal(SignInOutcome.LockedOut, fifth.Outcome);
        Assert.True(fifth.LockedUntil > DateTimeOffset.UtcNow.AddMinutes(4));
        Assert.Equal(SignInOutcome.LockedOut, (await Account(email).CheckPasswordAsync(Password)).Outcome);
    }

    [Fact]
    public async Task A_right_password_resets_the_count_of_failures()
    {
        var org = await cluster.NewOrganizationAsync();
        var email = NewEmail();
        await AddWithPasswordAsync(org, email);
        for (var i = 0; i < 4; i++) await Account(email).CheckPasswordAsync("wrong");
        Assert.Equal(SignInOutcome.Succeeded, (await Account(email).CheckPasswordAsync(Password)).Outcome);
        for (var i = 0; i < 4; i++) Assert.Equal(SignInOutcome.Failed, (await Account(email).CheckPasswordAsync("wrong")).Outcome);
    }

    [Fact]
    public async Task An_unknown_account_fails_like_a_wrong_password_and_is_never_locked()
    {
        var email = NewEmail();
        for (var i = 0; i < 7; i++) Assert.Equal(SignInOutcome.Failed, (await Account(email).CheckPasswordAsync(Password)).Outcome);
        Assert.Null(await Account(email).GetAsync());
    }

    [Fact]
    public async Task A_second_organization_adding_an_existing_account_can_neither_set_nor_learn_its_password()
    {
        var first = await cluster.NewOrganizationAsync();
        var second = await cluster.NewOrganizationAsync();
        var email = NewEmail();
        await AddWithPasswordAsync(first, email);

        var added = await second.Grain.AddPersonAsync(email, "Pat", PersonRoles.Viewer, [], Hash("second org's token"), DateTimeOffset.UtcNow.AddDays(1));

        Assert.False(added.NewAccount);
        Assert.False(await Account(email).SetPasswordAsync(Hash("second org's token"), "taken over password"));
        Assert.Equal(SignInOutcome.Succeeded, (await Account(email).CheckPasswordAsync(Password)).Outcome);
        Assert.Equal([first.Id, second.Id], (await Account(email).GetAsync())!.Organizations);
    }

    [Fact]
    public async Task A_session_opens_only_on_a_membership_of_that_organization()
    {
        var member = await cluster.NewOrganizationAsync();
        var stranger = await cluster.NewOrganizationAsync();
        var email = NewEmail();
        await AddWithPasswordAsync(member, email);

        Assert.NotNull(await Membership(member.Id, email).StartSessionAsync("s1"));
        Assert.Null(await Membership(stranger.Id, email).StartSessionAsync("s2"));
        Assert.NotNull(await Membership(member.Id, email).ValidateSessionAsync("s1"));
        Assert.Null(await Membership(stranger.Id, email).ValidateSessionAsync("s1"));
        Assert.Null(await Membership(member.Id, email).ValidateSessionAsync("never-opened"));
    }

    [Fact]
    public async Task Signing_out_ends_the_session_and_announces_it_on_the_revocation_feed()
    {
        var org = await cluster.NewOrganizationAsync();
        var email = NewEmail();
        await AddWithPasswordAsync(org, email);
        var feed = cluster.Client.GetGrain<IKeyRevocationsGrain>(0);
        var before = await feed.ReadSinceAsync(0, 0);
        await Membership(org.Id, email).StartSessionAsync("out-1");
        await Membership(org.Id, email).StartSessionAsync("stays");

        await Membership(org.Id, email).EndSessionAsync("out-1");

        Assert.Null(await Membership(org.Id, email).ValidateSessionAsync("out-1"));
        Assert.NotNull(await Membership(org.Id, email).ValidateSessionAsync("stays"));
        var after = await feed.ReadSinceAsync(before.Epoch, before.Sequence);
        Assert.Contains(after.Revocations, r => r.KeyHash == SessionCredentials.For("out-1") && r.OrgId == org.Id);
    }

    [Fact]
    public async Task Removing_a_person_ends_every_session_and_lists_them_no_more()
    {
        var org = await cluster.NewOrganizationAsync();
        var email = NewEmail();
        await AddWithPasswordAsync(org, email, PersonRoles.Lead, TestOrganization.Marketing, TestOrganization.Pr);
        await Membership(org.Id, email).StartSessionAsync("a");
        await Membership(org.Id, email).StartSessionAsync("b");
        var feed = cluster.Client.GetGrain<IKeyRevocationsGrain>(0);
        var before = await feed.ReadSinceAsync(0, 0);
        Assert.Contains(await org.Grain.ListPeopleAsync(), p => p.Email == email && p.Role == PersonRoles.Lead);

        await org.Grain.RemovePersonAsync(email);

        Assert.Null(await Membership(org.Id, email).ValidateSessionAsync("a"));
        Assert.Null(await Membership(org.Id, email).StartSessionAsync("c"));
        Assert.DoesNotContain(await org.Grain.ListPeopleAsync(), p => p.Email == email);
        var announced = (await feed.ReadSinceAsync(before.Epoch, before.Sequence)).Revocations.Select(r => r.KeyHash).ToList();
        Assert.Contains(SessionCredentials.For("a"), announced);
        Assert.Contains(SessionCredentials.For("b"), announced);
        Assert.Empty((await Account(email).GetAsync())!.Organizations);
        await Assert.ThrowsAsync<AlignException>(() => org.Grain.RemovePersonAsync(email));
    }

    [Fact]
    public async Task A_removed_person_can_be_added_again_with_a_new_membership()
    {
        var org = await cluster.NewOrganizationAsync();
        var email = NewEmail();
        var first = await AddWithPasswordAsync(org, email);
        await org.Grain.RemovePersonAsync(email);

        var again = await org.Grain.AddPersonAsync(email, "Pat", PersonRoles.Viewer, [], Hash("x"), DateTimeOffset.UtcNow.AddDays(1));

        Assert.False(again.NewAccount);
        Assert.NotEqual(first.Membership.MembershipId, again.Membership.MembershipId);
        Assert.Equal(PersonRoles.Viewer, (await Membership(org.Id, email).GetAsync())!.Role);
    }

    [Theory]
    [InlineData(PersonRoles.Lead, new string[0], AlignErrorKind.Invalid)]
    [InlineData(PersonRoles.Viewer, new[] { TestOrganization.Sales }, AlignErrorKind.Invalid)]
    [InlineData(PersonRoles.Member, new[] { "no-such-department" }, AlignErrorKind.Invalid)]
    [InlineData("owner", new string[0], AlignErrorKind.Invalid)]
    public async Task A_person_is_refused_a_role_without_its_departments_or_with_unknown_ones(string role, string[] departments, AlignErrorKind kind)
    {
        var org = await cluster.NewOrganizationAsync();
        var email = NewEmail();
        var refused = await Assert.ThrowsAsync<AlignException>(() => org.Grain.AddPersonAsync(email, "Pat", role, departments, Hash("t"), DateTimeOffset.UtcNow.AddDays(1)));
        Assert.Equal(kind, refused.Kind);
        Assert.Null(await Account(email).GetAsync()); // nothing was created
        Assert.Empty(await org.Grain.ListPeopleAsync());
    }

    [Fact]
    public async Task Adding_a_member_twice_is_a_conflict()
    {
        var org = await cluster.NewOrganizationAsync();
        var email = NewEmail();
        await AddWithPasswordAsync(org, email);
        var refused = await Assert.ThrowsAsync<AlignException>(() => org.Grain.AddPersonAsync(email, "Pat", PersonRoles.Admin, [], Hash("t"), DateTimeOffset.UtcNow.AddDays(1)));
        Assert.Equal(AlignErrorKind.Conflict, refused.Kind);
        Assert.Equal(PersonRoles.Member, (await Membership(org.Id, email).GetAsync())!.Role);
    }

    [Fact]
    public async Task Only_an_admin_with_an_open_session_issues_keys_and_a_removed_one_no_more()
    {
        var org = await cluster.NewOrganizationAsync();
        var admin = NewEmail();
        var viewer = NewEmail();
        await AddWithPasswordAsync(org, admin, PersonRoles.Admin);
        await AddWithPasswordAsync(org, NewEmail(), PersonRoles.Admin); // so that the first is not the last admin, whom nobody removes
        await AddWithPasswordAsync(org, viewer, PersonRoles.Viewer);
        await Membership(org.Id, admin).StartSessionAsync("admin-session");
        await Membership(org.Id, viewer).StartSessionAsync("viewer-session");

        Assert.NotNull(await org.Grain.IssueApiKeyForPersonAsync("by admin", [Scopes.Read], Hash(Guid.NewGuid().ToString()), admin, "admin-session"));
        Assert.Null(await org.Grain.IssueApiKeyForPersonAsync("by viewer", [Scopes.Admin], Hash(Guid.NewGuid().ToString()), viewer, "viewer-session"));
        Assert.Null(await org.Grain.IssueApiKeyForPersonAsync("no session", [Scopes.Admin], Hash(Guid.NewGuid().ToString()), admin, "made-up"));
        await org.Grain.RemovePersonAsync(admin);
        Assert.Null(await org.Grain.IssueApiKeyForPersonAsync("removed", [Scopes.Admin], Hash(Guid.NewGuid().ToString()), admin, "admin-session"));
        Assert.Equal(["initial admin key", "by admin"], (await org.Grain.ListApiKeysAsync()).Select(k => k.Name));
    }

    [Fact]
    public async Task A_role_change_keeps_the_membership_and_its_sessions_and_announces_them_as_changed_not_ended()
    {
        var org = await cluster.NewOrganizationAsync();
        var email = NewEmail();
        var added = await AddWithPasswordAsync(org, email, PersonRoles.Member, TestOrganization.Marketing);
        await Membership(org.Id, email).StartSessionAsync("s1");
        var feed = cluster.Client.GetGrain<IKeyRevocationsGrain>(0);
        var before = await feed.ReadSinceAsync(0, 0);

        var changed = await org.Grain.ChangePersonAsync(email, PersonRoles.Lead, [TestOrganization.Marketing, TestOrganization.Pr, TestOrganization.Pr]);

        Assert.Equal(PersonRoles.Member, changed.Before.Role);
        Assert.Equal(PersonRoles.Lead, changed.After.Role);
        Assert.Equal([TestOrganization.Marketing, TestOrganization.Pr], changed.After.Departments);
        Assert.Equal(added.Membership.MembershipId, changed.After.MembershipId);
        var session = await Membership(org.Id, email).CheckSessionAsync("s1");
        Assert.Equal(PersonRoles.Lead, session!.Membership.Role); // the same session, with the new role
        var announced = (await feed.ReadSinceAsync(before.Epoch, before.Sequence)).Revocations.Select(r => r.KeyHash).ToList();
        Assert.Contains(SessionCredentials.Changed("s1"), announced);
        Assert.DoesNotContain(SessionCredentials.For("s1"), announced);
    }

    [Theory]
    [InlineData(PersonRoles.Lead, new string[0])]
    [InlineData(PersonRoles.Viewer, new[] { TestOrganization.Sales })]
    [InlineData(PersonRoles.Member, new[] { "no-such-department" })]
    [InlineData("owner", new string[0])]
    public async Task A_role_change_is_refused_like_an_addition_and_changes_nothing(string role, string[] departments)
    {
        var org = await cluster.NewOrganizationAsync();
        var email = NewEmail();
        await AddWithPasswordAsync(org, email, PersonRoles.Member, TestOrganization.Marketing);

        var refused = await Assert.ThrowsAsync<AlignException>(() => org.Grain.ChangePersonAsync(email, role, departments));

        Assert.Equal(AlignErrorKind.Invalid, refused.Kind);
        var membership = (await Membership(org.Id, email).GetAsync())!;
        Assert.Equal(PersonRoles.Member, membership.Role);
        Assert.Equal([TestOrganization.Marketing], membership.Departments);
        Assert.Equal(AlignErrorKind.NotFound, (await Assert.ThrowsAsync<AlignException>(() => org.Grain.ChangePersonAsync(NewEmail(), PersonRoles.Viewer, []))).Kind);
    }

    [Fact]
    public async Task The_last_admin_can_be_neither_demoted_nor_removed_but_one_of_two_can()
    {
        var org = await cluster.NewOrganizationAsync();
        var first = NewEmail();
        var second = NewEmail();
        await AddWithPasswordAsync(org, first, PersonRoles.Admin);

        Assert.Equal(AlignErrorKind.Conflict, (await Assert.ThrowsAsync<AlignException>(() => org.Grain.ChangePersonAsync(first, PersonRoles.Viewer, []))).Kind);
        Assert.Equal(AlignErrorKind.Conflict, (await Assert.ThrowsAsync<AlignException>(() => org.Grain.RemovePersonAsync(first))).Kind);
        Assert.Equal(PersonRoles.Admin, (await Membership(org.Id, first).GetAsync())!.Role);

        await AddWithPasswordAsync(org, second, PersonRoles.Admin);
        await org.Grain.ChangePersonAsync(first, PersonRoles.Viewer, []);
        Assert.Equal(AlignErrorKind.Conflict, (await Assert.ThrowsAsync<AlignException>(() => org.Grain.RemovePersonAsync(second))).Kind);
        await org.Grain.ChangePersonAsync(first, PersonRoles.Admin, []);
        await org.Grain.RemovePersonAsync(second);
        Assert.Equal([first], (await org.Grain.ListPeopleAsync()).Select(p => p.Email));
    }

    [Fact]
    public async Task A_session_past_its_lifetime_is_no_longer_open()
    {
        var org = await cluster.NewOrganizationAsync();
        var email = NewEmail();
        await AddWithPasswordAsync(org, email, PersonRoles.Viewer);
        await Membership(org.Id, email).StartSessionAsync("s");

        var open = await Membership(org.Id, email).CheckSessionAsync("s");

        Assert.NotNull(open);
        Assert.True(open.ExpiresAt > DateTimeOffset.UtcNow + TimeSpan.FromDays(13), "the default lifetime is 14 days");
        Assert.Null(await Membership(org.Id, email).CheckSessionAsync("never-started"));
    }
}
