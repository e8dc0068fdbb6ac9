import { screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";

import { makeInvitation, makeMe, makeMember } from "@/testing/data";
import { apiError, mockApi, page } from "@/testing/mock-api";
import { renderApp } from "@/testing/render";

const me = makeMe("admin");
const self = makeMember({ user_id: me.id, email: me.email, name: me.name, role: "admin" });
const owner = makeMember({ email: "olivia@example.com", name: "Olivia", role: "owner" });
const bob = makeMember({ email: "bob@example.com", name: "Bob", role: "member" });

function mockMembers() {
  mockApi.on("GET", "/api/v1/orgs/{org}/members", page([self, owner, bob]));
  mockApi.on("GET", "/api/v1/orgs/{org}/invitations", page([makeInvitation({ id: 41, email: "carol@example.com" })]));
}

describe("members", () => {
  it("lets an admin change a member's role, but not an owner's or their own", async () => {
    mockMembers();
    const { user } = renderApp("/orgs/acme/members", { me });
    const table = await screen.findByRole("table", { name: "Members" });
    expect(within(table).queryByLabelText("Role of Olivia")).not.toBeInTheDocument();
    expect(within(table).queryByLabelText("Role of Alice")).not.toBeInTheDocument();
    const select = within(table).getByLabelText("Role of Bob");
    // An admin may not hand out the owner role.
    expect(within(select).queryByRole("option", { name: "Owner" })).not.toBeInTheDocument();

    mockApi.on("PATCH", "/api/v1/orgs/{org}/members/{user_id}", { ...bob, role: "viewer" });
    await user.selectOptions(select, "viewer");
    await waitFor(() => expect(mockApi.calls("PATCH")).toHaveLength(1));
    expect(mockApi.calls("PATCH")[0]).toMatchObject({ params: { user_id: bob.user_id }, body: { role: "viewer" } });
    expect(await screen.findByText("Role changed")).toBeInTheDocument();
  });

  it("sorts members by role rank, not by the role's name", async () => {
    mockMembers();
    const { user } = renderApp("/orgs/acme/members", { me });
    const table = await screen.findByRole("table", { name: "Members" });
    const emails = () => within(table).getAllByRole("row").slice(1).map((row) => within(row).getAllByRole("cell")[1].textContent);
    expect(emails()).toEqual([self.email, "olivia@example.com", "bob@example.com"]);

    await user.click(within(table).getByRole("button", { name: "Role" }));
    expect(within(table).getByRole("columnheader", { name: "Role" })).toHaveAttribute("aria-sort", "descending");
    expect(emails()).toEqual(["olivia@example.com", self.email, "bob@example.com"]);
    await user.click(within(table).getByRole("button", { name: "Role" }));
    expect(within(table).getByRole("columnheader", { name: "Role" })).toHaveAttribute("aria-sort", "ascending");
    expect(emails()).toEqual(["bob@example.com", self.email, "olivia@example.com"]);
  });

  it("says when the server refuses a role change", async () => {
    mockMembers();
    const { user } = renderApp("/orgs/acme/members", { me });
    const select = await screen.findByLabelText("Role of Bob");
    mockApi.on("PATCH", "/api/v1/orgs/{org}/members/{user_id}", apiError(409, "last_owner", "An organization needs an owner."));
    await user.selectOptions(select, "viewer");
    expect(await screen.findByText("Could not change the role")).toBeInTheDocument();
    expect(screen.getByText("An organization needs an owner.")).toBeInTheDocument();
  });

  it("removes a member after a confirmation", async () => {
    mockMembers();
    const { user } = renderApp("/orgs/acme/members", { me });
    await user.click(await screen.findByRole("button", { name: "Remove bob@example.com" }));
    mockApi.on("DELETE", "/api/v1/orgs/{org}/members/{user_id}", { status: 204 });
    await user.click(within(await screen.findByRole("alertdialog")).getByRole("button", { name: "Remove member" }));
    await waitFor(() => expect(mockApi.calls("DELETE")[0]?.params.user_id).toBe(bob.user_id));
    expect(await screen.findByText("Member removed")).toBeInTheDocument();
  });

  it("invites by email with a role, showing the API's field errors", async () => {
    mockMembers();
    const { user } = renderApp("/orgs/acme/members", { me });
    await user.click(await screen.findByRole("button", { name: "Invite member" }));
    const dialog = await screen.findByRole("dialog", { name: "Invite a member" });
    mockApi.on("POST", "/api/v1/orgs/{org}/invitations", apiError(400, "validation_error", "Some fields are invalid.", { email: ["Already a member."] }));
    await user.type(within(dialog).getByLabelText("Email"), "bob@example.com");
    await user.click(within(dialog).getByRole("button", { name: "Send invitation" }));
    expect(await within(dialog).findByText("Already a member.")).toBeInTheDocument();

    mockApi.on("POST", "/api/v1/orgs/{org}/invitations", { status: 201, body: makeInvitation({ email: "dan@example.com", role: "admin" }) });
    await user.clear(within(dialog).getByLabelText("Email"));
    await user.type(within(dialog).getByLabelText("Email"), "dan@example.com");
    await user.selectOptions(within(dialog).getByLabelText("Role"), "admin");
    await user.click(within(dialog).getByRole("button", { name: "Send invitation" }));
    await waitFor(() => expect(screen.queryByRole("dialog")).not.toBeInTheDocument());
    expect(mockApi.calls("POST").at(-1)?.body).toEqual({ email: "dan@example.com", role: "admin" });
    expect(await screen.findByText("Invitation sent")).toBeInTheDocument();
  });

  it("lists pending invitations and revokes one", async () => {
    mockMembers();
    const { user } = renderApp("/orgs/acme/members", { me });
    const table = await screen.findByRole("table", { name: "Pending invitations" });
    expect(within(table).getByText("carol@example.com")).toBeInTheDocument();
    await user.click(within(table).getByRole("button", { name: "Revoke invitation of carol@example.com" }));
    mockApi.on("DELETE", "/api/v1/orgs/{org}/invitations/{invitation_id}", { status: 204 });
    await user.click(within(await screen.findByRole("alertdialog")).getByRole("button", { name: "Revoke invitation" }));
    await waitFor(() => expect(mockApi.calls("DELETE")[0]?.params.invitation_id).toBe("41"));
  });

  it("shows a viewer the members only: no invite, no role changes, no invitations", async () => {
    mockApi.on("GET", "/api/v1/orgs/{org}/members", page([self, owner, bob]));
    renderApp("/orgs/acme/members", { me: makeMe("viewer") });
    const table = await screen.findByRole("table", { name: "Members" });
    expect(within(table).queryByRole("combobox")).not.toBeInTheDocument();
    // The only buttons are the column headers' sort buttons.
    expect(within(table).queryAllByRole("button").filter((b) => !b.closest("th"))).toEqual([]);
    expect(screen.queryByRole("button", { name: "Invite member" })).not.toBeInTheDocument();
    expect(screen.queryByRole("table", { name: "Pending invitations" })).not.toBeInTheDocument();
    // …and the navigation hides what a viewer cannot open.
    const nav = screen.getAllByRole("navigation", { name: "Organization" })[0];
    expect(within(nav).queryByRole("link", { name: "Audit log" })).not.toBeInTheDocument();
    expect(within(nav).queryByRole("link", { name: "API tokens" })).not.toBeInTheDocument();
  });
});
