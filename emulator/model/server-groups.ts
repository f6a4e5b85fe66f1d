// vServer groups and master-slave (primary/secondary) server groups (reference §2.9, §2.10). Both live
// on their load balancer; a group in use by a listener cannot be deleted (RspoolVipExist).
import { isIPv4 } from "node:net";
import { Errors } from "../errors";
import { ActionHandler, Call } from "./call";
import { ModelErrors } from "./errors";
import { newServerGroupId } from "./ids";
import { charLength } from "./params";
import { BackendServerRecord, LoadBalancerRecord, ServerGroupRecord, deleteOwn, getOwn, setOwn } from "./store";
import { parseTags, tagsWrapped } from "./tag-params";

export const MAX_SERVERS_PER_CALL = 20;

type Kind = "vServerGroups" | "masterSlaveGroups";

/** A JSON number or a decimal string (the SDK examples send `"Weight":"100"`). */
function integerField(v: unknown): number | undefined {
    if (typeof v === "number" && Number.isInteger(v)) return v;
    if (typeof v === "string" && /^-?[0-9]{1,9}$/.test(v)) return Number(v);
    return undefined;
}

const SERVER_ID_PATTERNS: Record<string, RegExp> = {
    ecs: /^i-[A-Za-z0-9]{1,64}$/,
    eni: /^eni-[A-Za-z0-9]{1,64}$/,
    eci: /^eci-[A-Za-z0-9]{1,64}$/,
};

/**
 * Parses a backend-server JSON list. `fail(code, detail)` produces the error for a rule; the vServer
 * group uses InvalidParameter throughout, the master-slave group its documented BACKEND_* codes.
 */
function parseServers(call: Call, param: string, masterSlave: boolean): BackendServerRecord[] {
    const raw = call.p.json(param);
    const bad = (detail: string) => Errors.invalidParameter(param, detail);
    const coded = (code: string, detail: string) => (masterSlave ? ModelErrors.backendServers(code, detail) : bad(detail));
    if (raw === undefined) {
        if (masterSlave) throw coded("BACKEND_SERVERS_NUM_MUST_BE_TWO", "A master-slave server group needs exactly two backend servers.");
        return [];
    }
    if (!Array.isArray(raw)) throw bad("The value must be a JSON array of backend servers.");
    if (masterSlave && raw.length !== 2) {
        throw coded("BACKEND_SERVERS_NUM_MUST_BE_TWO", "A master-slave server group needs exactly two backend servers.");
    }
    if (raw.length > MAX_SERVERS_PER_CALL) throw bad(`At most ${MAX_SERVERS_PER_CALL} backend servers per call.`);
    const servers = raw.map((item: unknown, i): BackendServerRecord => {
        if (typeof item !== "object" || item === null || Array.isArray(item)) throw bad(`Server ${i + 1} must be a JSON object.`);
        const s = item as Record<string, unknown>;
        const type = s.Type ?? "ecs";
        if (typeof type !== "string" || !SERVER_ID_PATTERNS[type]) throw bad(`Server ${i + 1}: Type must be ecs, eni or eci.`);
        if (s.ServerId === undefined || s.ServerId === "") throw coded("BACKEND_SERVER_ID_CAN_NOT_EMPTY", `Server ${i + 1}: ServerId is required.`);
        if (typeof s.ServerId !== "string" || !SERVER_ID_PATTERNS[type].test(s.ServerId)) {
            throw bad(`Server ${i + 1}: ServerId is not a valid ${type} id.`);
        }
        if (s.Port === undefined || s.Port === "") throw coded("BACKEND_SERVER_PORT_CAN_NOT_EMPTY", `Server ${i + 1}: Port is required.`);
        const port = integerField(s.Port);
        if (port === undefined || port < 1 || port > 65535) throw bad(`Server ${i + 1}: Port must be between 1 and 65535.`);
        const weight = s.Weight === undefined ? 100 : integerField(s.Weight);
        if (weight === undefined || weight < 0 || weight > 100) throw bad(`Server ${i + 1}: Weight must be between 0 and 100.`);
        let serverIp: string | undefined;
        if (type !== "ecs") {
            if (typeof s.ServerIp !== "string" || !isIPv4(s.ServerIp)) throw bad(`Server ${i + 1}: ServerIp is required for ${type} servers.`);
            serverIp = s.ServerIp;
        }
        const description = s.Description ?? "";
        if (typeof description !== "string" || charLength(description) > 80) throw bad(`Server ${i + 1}: Description must be at most 80 characters.`);
        const server: BackendServerRecord = { serverId: s.ServerId, port, weight, type, description };
        if (serverIp) server.serverIp = serverIp;
        if (masterSlave) {
            if (s.ServerType !== "Master" && s.ServerType !== "Slave") throw coded("INVALID_SERVER_TYPE", `Server ${i + 1}: ServerType must be Master or Slave.`);
            server.serverType = s.ServerType;
        }
        return server;
    });
    const seen = new Set<string>();
    for (const s of servers) {
        const key = `${s.serverId}:${s.port}`;
        if (seen.has(key)) throw coded("BACKEND_SERVERS_HAVE_SAME_PORT_AND_SERVERID", "Two backend servers have the same ServerId and Port.");
        seen.add(key);
    }
    if (masterSlave && servers.filter((s) => s.serverType === "Master").length !== 1) {
        throw coded("BACKEND_SERVERS_CAN_ONLY_CONTAIN_ONE_MASTER_AND_ONE_SLAVE", "Use exactly one Master and one Slave server.");
    }
    return servers;
}

function serverView(s: BackendServerRecord): Record<string, unknown> {
    const v: Record<string, unknown> = { ServerId: s.serverId, Port: s.port, Weight: s.weight, Type: s.type, Description: s.description };
    if (s.serverIp) v.ServerIp = s.serverIp;
    if (s.serverType) v.ServerType = s.serverType;
    return v;
}

/** The group with this id anywhere in the caller's region, with its load balancer. */
export function findGroup(call: Call, kind: Kind, id: string): { lb: LoadBalancerRecord; group: ServerGroupRecord } | undefined {
    for (const lb of Object.values(call.region().loadBalancers)) {
        const group = getOwn(lb[kind], id);
        if (group) return { lb, group };
    }
    return undefined;
}

const groupInUse = (lb: LoadBalancerRecord, kind: Kind, id: string) =>
    Object.values(lb.listeners).some((l) => (kind === "vServerGroups" ? l.vServerGroupId : l.masterSlaveServerGroupId) === id);

function createGroup(call: Call, kind: Kind, nameParam: string, serversParam: string): { lb: LoadBalancerRecord; group: ServerGroupRecord } {
    const p = call.p;
    const lbId = p.required("LoadBalancerId");
    const name = p.string(nameParam, { maxChars: 80 }) ?? "";
    const servers = parseServers(call, serversParam, kind === "masterSlaveGroups");
    const tags = parseTags(p);
    const lb = call.loadBalancer(lbId);
    call.occupy(lb.id);
    const group: ServerGroupRecord = { id: newServerGroupId(), name, servers, tags, createdAt: call.now };
    setOwn(lb[kind], group.id, group);
    call.changed();
    return { lb, group };
}

function deleteGroup(call: Call, kind: Kind, idParam: string, notFound: () => Error): void {
    const id = call.p.required(idParam);
    const found = findGroup(call, kind, id);
    if (!found) throw notFound();
    call.occupy(found.lb.id);
    if (groupInUse(found.lb, kind, id)) throw ModelErrors.rspoolVipExist();
    deleteOwn(found.lb[kind], id);
    call.changed();
}

const createVServerGroup: ActionHandler = (call) => {
    const { group } = createGroup(call, "vServerGroups", "VServerGroupName", "BackendServers");
    return { VServerGroupId: group.id, BackendServers: { BackendServer: group.servers.map(serverView) } };
};

const deleteVServerGroup: ActionHandler = (call) => {
    deleteGroup(call, "vServerGroups", "VServerGroupId", ModelErrors.vServerGroupNotFound);
    return {};
};

const describeVServerGroups: ActionHandler = (call) => {
    const lb = call.loadBalancer(call.p.required("LoadBalancerId"));
    const includeListener = call.p.bool("IncludeListener") ?? false;
    call.p.bool("IncludeRule");
    const description = call.p.string("Description", { maxChars: 80 });
    const groups = Object.values(lb.vServerGroups).filter((g) => description === undefined || g.name === description);
    return {
        VServerGroups: {
            VServerGroup: groups.map((g) => {
                const row: Record<string, unknown> = {
                    VServerGroupId: g.id,
                    VServerGroupName: g.name,
                    ServerCount: g.servers.length,
                    CreateTime: new Date(g.createdAt).toISOString().replace(/\.\d{3}Z$/, "Z"),
                    Tags: tagsWrapped(g.tags),
                };
                if (includeListener) {
                    const users = Object.values(lb.listeners).filter((l) => l.vServerGroupId === g.id);
                    row.AssociatedObjects = {
                        Listeners: { Listener: users.map((l) => ({ Protocol: l.protocol, Port: l.port })) },
                        Rules: { Rule: [] },
                    };
                }
                return row;
            }),
        },
    };
};

const describeVServerGroupAttribute: ActionHandler = (call) => {
    const id = call.p.required("VServerGroupId");
    const found = findGroup(call, "vServerGroups", id);
    if (!found) throw ModelErrors.vServerGroupNotFound();
    return {
        VServerGroupId: found.group.id,
        VServerGroupName: found.group.name,
        LoadBalancerId: found.lb.id,
        BackendServers: { BackendServer: found.group.servers.map(serverView) },
        Tags: tagsWrapped(found.group.tags),
    };
};

const createMasterSlaveServerGroup: ActionHandler = (call) => {
    const { group } = createGroup(call, "masterSlaveGroups", "MasterSlaveServerGroupName", "MasterSlaveBackendServers");
    return {
        MasterSlaveServerGroupId: group.id,
        MasterSlaveBackendServers: { MasterSlaveBackendServer: group.servers.map(serverView) },
    };
};

const deleteMasterSlaveServerGroup: ActionHandler = (call) => {
    deleteGroup(call, "masterSlaveGroups", "MasterSlaveServerGroupId", ModelErrors.masterSlaveGroupNotFound);
    return {};
};

export const serverGroupActions: Record<string, ActionHandler> = {
    CreateVServerGroup: createVServerGroup,
    DeleteVServerGroup: deleteVServerGroup,
    DescribeVServerGroups: describeVServerGroups,
    DescribeVServerGroupAttribute: describeVServerGroupAttribute,
    CreateMasterSlaveServerGroup: createMasterSlaveServerGroup,
    DeleteMasterSlaveServerGroup: deleteMasterSlaveServerGroup,
};
