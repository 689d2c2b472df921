// The resource tables of kctl's seed document (an Apache Kafka overview, its "Resource
// Requirements"): a single broker without HA, and per broker with HA. The seed's "GB" for memory and disk is
// taken as GiB (the conservative reading); its network figures are link speeds in Mbit/s.
// The seed gives no disk throughput: diskMiBps is kctl's own assumption (a single HDD or a basic
// cloud volume for the minimum tier, an SSD or provisioned cloud volume for the recommended one);
// pass --disk-mbps to use the real figure.

export interface Hardware {
  cores: number
  memoryGiB: number
  diskGiB: number
  diskMiBps: number
  networkMbps: number
}

export type TierName = 'minimum' | 'recommended'
export const tierNames: TierName[] = ['minimum', 'recommended']

export const seedTiers: Record<'single' | 'ha', Record<TierName, Hardware>> = {
  single: {
    minimum: {cores: 2, memoryGiB: 4, diskGiB: 100, diskMiBps: 100, networkMbps: 100},
    recommended: {cores: 4, memoryGiB: 8, diskGiB: 500, diskMiBps: 250, networkMbps: 1000},
  },
  ha: {
    minimum: {cores: 4, memoryGiB: 8, diskGiB: 500, diskMiBps: 250, networkMbps: 1000},
    recommended: {cores: 8, memoryGiB: 16, diskGiB: 1024, diskMiBps: 500, networkMbps: 10_000},
  },
}

/** Where one figure sits against the seed's rows for the mode. */
export type TierPosition = 'below-minimum' | 'minimum' | 'recommended'

export function tierPosition(value: number, minimum: number, recommended: number): TierPosition {
  if (value < minimum) return 'below-minimum'
  return value >= recommended ? 'recommended' : 'minimum'
}
