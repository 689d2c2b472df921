// Public surface of the capacity planner: commands and benches import from here.
export {buildNodes, type ClusterOptions, type SecurityMode, securityModes} from './cluster.js'
export {generateInitFiles, type GeneratedFile, limitsRows, type TemplateName, templateFiles} from './generate.js'
export {type RawPlanOptions, resolvePlanInput} from './input.js'
export {formatNumber, type LimitRow, type Plan, type PlanInput, planCapacity} from './model.js'
export {seedTiers, type TierName} from './tiers.js'
