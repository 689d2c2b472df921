import {type ClusterDescription, describeCluster, renderClusterDescription} from '../../src/admin/cluster.js'
import {BaseCommand} from '../_base.js'
import {connectionFlags, outputFlag} from '../_flags.js'

export default class ClusterDescribe extends BaseCommand {
  static description = `Shows the cluster id, the active controller, every broker with its rack and endpoint (DescribeCluster where the broker has it, else Metadata), and the API versions of the broker kctl connected to: per API, the broker's range and the version kctl uses (the highest both sides implement; "-" where kctl does not speak the API). One reachable broker is enough: brokers that are down elsewhere do not stop the answer.`

  static examples = [
    {command: '<%= config.bin %> <%= command.id %>', description: 'the current cluster'},
    {command: '<%= config.bin %> <%= command.id %> -o json | jq .brokers', description: 'brokers as JSON'},
  ]

  static flags = {
    ...connectionFlags,
    output: outputFlag,
  }

  static summary = 'Describe the cluster: id, controller, brokers, API versions'

  async run(): Promise<ClusterDescription> {
    const {flags} = await this.parse(ClusterDescribe)
    const {connectionOptions, withClient} = await import('../../src/admin/connection.js')
    const view = await withClient(connectionOptions(flags, 'describe the cluster'), (client) => describeCluster(client))
    this.render(view, flags.output, renderClusterDescription)
    return view
  }
}
