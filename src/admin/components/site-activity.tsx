import { Badge, Box, Link, Loader, Table, TableBody, TableCell, TableHead, TableRow, Text } from '@adminjs/design-system';
import { ApiClient, type BasePropertyProps, type RecordJSON, useTranslation, ViewHelpers } from 'adminjs';
import React, { useEffect, useState } from 'react';

const LOGS = 'MaintenanceLog';
const LIMIT = 10;
const OUTCOMES: Record<string, 'success' | 'danger' | 'info' | 'light'> = { success: 'success', failed: 'danger', pending: 'info', skipped: 'light' };

const api = new ApiClient();
const h = new ViewHelpers();

/** A site's latest audit rows, read through the maintenance logs resource. */
const SiteActivity: React.FC<BasePropertyProps> = ({ record, property }) => {
  const { translateProperty } = useTranslation();
  const [rows, setRows] = useState<RecordJSON[] | null>(null);

  useEffect(() => {
    api
      .resourceAction({
        resourceId: LOGS,
        actionName: 'list',
        params: { 'filters.siteId': record!.id, sortBy: 'createdAt', direction: 'desc', perPage: LIMIT },
      })
      .then((response) => setRows(response.data.records ?? []));
  }, [record?.id]);

  return (
    <Box mb="xl" data-testid="site-activity">
      <Text fontWeight="bold" mb="default">
        {translateProperty(property.label, property.resourceId)}
      </Text>
      {rows === null ? (
        <Loader />
      ) : rows.length === 0 ? (
        <Text>No operation yet.</Text>
      ) : (
        <Table>
          <TableHead>
            <TableRow>
              <TableCell>When</TableCell>
              <TableCell>Action</TableCell>
              <TableCell>Outcome</TableCell>
              <TableCell>Who</TableCell>
              <TableCell>Duration</TableCell>
              <TableCell>Reason or error</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {rows.map(({ id, params }) => (
              <TableRow key={id}>
                <TableCell>{new Date(params.createdAt).toLocaleString()}</TableCell>
                <TableCell>{params.action}</TableCell>
                <TableCell>
                  <Badge variant={OUTCOMES[params.outcome] ?? 'light'}>{params.outcome}</Badge>
                </TableCell>
                <TableCell>{params.actor}</TableCell>
                <TableCell>{params.durationMs == null ? '' : `${params.durationMs} ms`}</TableCell>
                <TableCell>{params.errorMessage ?? params.reason ?? ''}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
      <Link href={h.resourceUrl({ resourceId: LOGS, search: `?filters.siteId=${encodeURIComponent(record!.id)}` })} mt="default">
        All of this site's audit rows
      </Link>
    </Box>
  );
};

export default SiteActivity;
