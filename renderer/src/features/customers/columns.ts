// The identity columns every customers table shows, in one place so the tables stay alike.
import type { ResolvedCustomer } from '../../../../shared/channels/customers';
import type { DataColumn } from '../../components/DataTable';

/** Account, LicenseArn, CustomerIdentifier and ProductCode of whatever AWS returned. */
export function customerIdentityColumns<
  Row extends { customer?: ResolvedCustomer | undefined },
>(): DataColumn<Row>[] {
  return [
    {
      id: 'account',
      header: 'Customer account',
      kind: 'id',
      width: 150,
      value: (row) => row.customer?.customerAwsAccountId,
    },
    {
      id: 'license',
      header: 'LicenseArn',
      kind: 'id',
      width: 300,
      value: (row) => row.customer?.licenseArn,
    },
    {
      id: 'identifier',
      header: 'Customer identifier',
      kind: 'id',
      width: 170,
      value: (row) => row.customer?.customerIdentifier,
    },
    {
      id: 'product',
      header: 'Product code',
      kind: 'id',
      width: 220,
      value: (row) => row.customer?.productCode,
    },
  ];
}
