// Every operation of /api/schema/, called through the types openapi-typescript generates from
// it (`api.ts`, written beside this file by tests/contract/test_typescript_types.py). It is
// compiled, not run: the types must carry each body, each answer and each page's items.
import type { components, operations } from "./api.js";
import { typedFetch } from "./typed_fetch.js";

type Schemas = components["schemas"];
type Frontend = operations["plugin_configs_frontend_retrieve"]["responses"][200]["content"];

const { call, bodiless, text } = typedFetch<operations>("http://127.0.0.1:8010", {
    Authorization: "Bearer phx_mock_personal_api_key",
});

const PLUGINS = "/api/organizations/@current/plugins/";
const CONFIGS = "/api/projects/@current/plugin_configs/";

export async function everyOperation(): Promise<void> {
    const page = await call("plugins_list", 200, "GET", PLUGINS);
    const listed: Schemas["Plugin"][] = page.results;
    const count: number = page.count;
    const installed = await call("plugins_create", 201, "POST", PLUGINS, {
        url: "https://github.com/PostHog/helloworldplugin",
    });
    const id: number = installed.id;
    const plugin: Schemas["Plugin"] = await call("plugins_retrieve", 200, "GET", `${PLUGINS}2/`);
    const renamed = await call("plugins_update", 200, "PUT", `${PLUGINS}3/`, { name: "Hi" });
    const jobs = await call("plugins_partial_update", 200, "PATCH", `${PLUGINS}3/`, {
        public_jobs: { greet: {} },
    });
    const removed: number = await bodiless("plugins_destroy", "DELETE", `${PLUGINS}${id}/`);
    const check = await call(
        "plugins_check_for_updates_retrieve", 200, "GET", `${PLUGINS}2/check_for_updates/`,
    );
    const latest: string | null = check.plugin.latest_tag;
    const source = await call("plugins_source_retrieve", 200, "GET", `${PLUGINS}3/source/`);
    const files: Record<string, string | null> = source;
    const edited = await call(
        "plugins_update_source_partial_update", 200, "PATCH", `${PLUGINS}3/update_source/`,
        { "index.ts": "export {}", "frontend.tsx": null },
    );
    const upgraded = await call("plugins_upgrade_create", 200, "POST", `${PLUGINS}2/upgrade/`);
    const activity = await call("plugins_activity_retrieve", 200, "GET", `${PLUGINS}activity/`);
    const changes: Schemas["ActivityLog"][] = activity.results;
    const repository = await call(
        "plugins_repository_retrieve", 200, "GET", `${PLUGINS}repository/`,
    );
    const urls: string[] = repository.map((entry) => entry.url);

    const configs = await call("plugin_configs_list", 200, "GET", CONFIGS);
    const enabled: boolean[] = configs.results.map((config) => config.enabled);
    const created = await call("plugin_configs_create", 201, "POST", CONFIGS, {
        plugin: 1,
        enabled: true,
        order: 3,
    });
    const config: Schemas["PluginConfig"] = await call(
        "plugin_configs_retrieve", 200, "GET", `${CONFIGS}1/`,
    );
    const replaced = await call("plugin_configs_update", 200, "PUT", `${CONFIGS}1/`, {
        plugin: 2,
        enabled: true,
        order: 1,
    });
    const disabled = await call("plugin_configs_partial_update", 200, "PATCH", `${CONFIGS}1/`, {
        enabled: false,
    });
    const deleted: number = await bodiless(
        "plugin_configs_destroy", "DELETE", `${CONFIGS}${created.id}/`,
    );
    const arranged: Schemas["PluginConfig"][] = await call(
        "plugin_configs_rearrange_partial_update", 200, "PATCH", `${CONFIGS}rearrange/`,
        { orders: { "2": 2, "3": 1 } },
    );
    const logs = await call("plugin_configs_logs_list", 200, "GET", `${CONFIGS}1/logs/`);
    const messages: string[] = logs.results.map((entry) => entry.message);
    const frontend: Frontend["application/javascript"] = await text(
        "plugin_configs_frontend_retrieve", `${CONFIGS}2/frontend/`,
    );
    const triggered: number = await bodiless("plugin_configs_job_create", "POST", `${CONFIGS}2/job/`, {
        job: { type: "greet", payload: {} },
    });
    console.log(listed, count, plugin, renamed, jobs, removed, latest, files, edited, upgraded);
    console.log(changes, urls, enabled, config, replaced, disabled, deleted, arranged);
    console.log(messages, frontend, triggered);
}
