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
const LEGACY = "/api/plugin_config/";

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

    // The legacy router: the same operations on the caller's current project, by id alone.
    const legacyList = await call("plugin_config_list", 200, "GET", LEGACY);
    const legacyCreated = await call("plugin_config_create", 201, "POST", LEGACY, {
        plugin: 1,
        enabled: true,
        order: 3,
    });
    const legacyConfig: Schemas["PluginConfig"] = await call(
        "plugin_config_retrieve", 200, "GET", `${LEGACY}1/`,
    );
    const legacyReplaced = await call("plugin_config_update", 200, "PUT", `${LEGACY}1/`, {
        plugin: 2,
        enabled: true,
        order: 1,
    });
    const legacyDisabled = await call("plugin_config_partial_update", 200, "PATCH", `${LEGACY}1/`, {
        enabled: false,
    });
    const legacyDeleted: number = await bodiless(
        "plugin_config_destroy", "DELETE", `${LEGACY}${legacyCreated.id}/`,
    );
    const legacyArranged: Schemas["PluginConfig"][] = await call(
        "plugin_config_rearrange_partial_update", 200, "PATCH", `${LEGACY}rearrange/`,
        { orders: { "1": 2, "2": 1 } },
    );
    const legacyFrontend: string = await text("plugin_config_frontend_retrieve", `${LEGACY}2/frontend/`);
    const legacyTriggered: number = await bodiless("plugin_config_job_create", "POST", `${LEGACY}2/job/`, {
        job: { type: "greet", payload: {} },
    });
    console.log(legacyList.count, legacyConfig, legacyReplaced, legacyDisabled, legacyDeleted);
    console.log(legacyArranged, legacyFrontend, legacyTriggered);
}
