import { screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";

import { makeMe, makeMember } from "@/testing/data";
import { apiError, mockApi, page } from "@/testing/mock-api";
import { renderApp } from "@/testing/render";

const design = { id: "66666666-6666-4666-8666-666666666666", name: "Design", slug: "design", member_count: 1, created_at: "2026-11-01T10:00:00Z" };

describe("groups of people", () => {
  it("creates a group, showing field errors from the API", async () => {
    mockApi.on("GET", "/api/v1/orgs/{org}/groups", page([]));
    const { user } = renderApp("/orgs/acme/groups");
    expect(await screen.findByText("No groups yet")).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "New group" }));
    const dialog = await screen.findByRole("dialog", { name: "New group" });
    mockApi.on("POST", "/api/v1/orgs/{org}/groups", apiError(409, "group_slug_taken", "Another group has that slug.", { slug: ["Taken."] }));
    await user.type(within(dialog).getByLabelText("Name"), "Design");
    await user.type(within(dialog).getByLabelText("Slug"), "design");
    await user.click(within(dialog).getByRole("button", { name: "Create group" }));
    expect(await within(dialog).findByText("Taken.")).toBeInTheDocument();

    mockApi.on("POST", "/api/v1/orgs/{org}/groups", { status: 201, body: { ...design, slug: "design-2", member_count: 0 } });
    mockApi.on("GET", "/api/v1/orgs/{org}/groups", page([{ ...design, slug: "design-2", member_count: 0 }]));
    await user.clear(within(dialog).getByLabelText("Slug"));
    await user.type(within(dialog).getByLabelText("Slug"), "design-2");
    await user.click(within(dialog).getByRole("button", { name: "Create group" }));
    expect(await screen.findByRole("cell", { name: "design-2" })).toBeInTheDocument();
    expect(mockApi.calls("POST", "/api/v1/orgs/{org}/groups").at(-1)?.body).toEqual({ name: "Design", slug: "design-2" });
  });

  it("adds a member of the organization to a group and takes one out", async () => {
    const ada = makeMember({ name: "Ada", email: "ada@example.com" });
    const bob = makeMember({ name: "Bob", email: "bob@example.com" });
    mockApi.on("GET", "/api/v1/orgs/{org}/groups", page([design]));
    mockApi.on("GET", "/api/v1/orgs/{org}/members", page([ada, bob]));
    mockApi.on("GET", "/api/v1/orgs/{org}/groups/{group_id}/members", page([{ user_id: ada.user_id, email: ada.email, name: ada.name, added_at: "2026-11-02T10:00:00Z" }]));
    const { user } = renderApp("/orgs/acme/groups");
    await user.click(await screen.findByRole("button", { name: "People of Design" }));
    const dialog = await screen.findByRole("dialog", { name: "People in Design" });
    const people = await within(dialog).findByRole("list", { name: "People in Design" });
    expect(within(people).getByText("Ada")).toBeInTheDocument();
    // Only people not yet in the group are offered.
    const picker = within(dialog).getByLabelText("Member");
    expect(within(picker).queryByRole("option", { name: /ada@example.com/ })).not.toBeInTheDocument();
    await user.selectOptions(picker, bob.user_id);
    mockApi.on("POST", "/api/v1/orgs/{org}/groups/{group_id}/members", { status: 201, body: { user_id: bob.user_id, email: bob.email, name: bob.name, added_at: "2026-11-03T10:00:00Z" } });
    await user.click(within(dialog).getByRole("button", { name: "Add" }));
    await waitFor(() => expect(mockApi.calls("POST", "/api/v1/orgs/{org}/groups/{group_id}/members")).toHaveLength(1));
    expect(mockApi.calls("POST", "/api/v1/orgs/{org}/groups/{group_id}/members")[0]).toMatchObject({ params: { group_id: design.id }, body: { user: bob.user_id } });

    mockApi.on("DELETE", "/api/v1/orgs/{org}/groups/{group_id}/members/{user_id}", { status: 204 });
    await user.click(within(dialog).getByRole("button", { name: "Remove ada@example.com" }));
    await waitFor(() => expect(mockApi.calls("DELETE")).toHaveLength(1));
    expect(mockApi.calls("DELETE")[0].params).toMatchObject({ group_id: design.id, user_id: ada.user_id });
  });

  it("lets a member read groups and their people but change nothing", async () => {
    mockApi.on("GET", "/api/v1/orgs/{org}/groups", page([design]));
    mockApi.on("GET", "/api/v1/orgs/{org}/members", page([]));
    mockApi.on("GET", "/api/v1/orgs/{org}/groups/{group_id}/members", page([]));
    const { user } = renderApp("/orgs/acme/groups", { me: makeMe("member") });
    expect(await screen.findByRole("cell", { name: "design" })).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "New group" })).not.toBeInTheDocument();
    expect(screen.queryByRole("button", { name: /Edit/ })).not.toBeInTheDocument();
    expect(screen.queryByRole("button", { name: /Delete/ })).not.toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "People of Design" }));
    const dialog = await screen.findByRole("dialog", { name: "People in Design" });
    expect(await within(dialog).findByText("Nobody in this group yet")).toBeInTheDocument();
    expect(within(dialog).queryByLabelText("Member")).not.toBeInTheDocument();
  });
});
