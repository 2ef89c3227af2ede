import {
  Badge,
  Box,
  Button,
  Loader,
  MessageBox,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Text,
} from '@adminjs/design-system';
import { type ActionProps, ApiClient, useNotice } from 'adminjs';
import React, { useCallback, useEffect, useState } from 'react';

/** The parts of ReconcileService's LiveStatus this view shows. */
interface LiveStatus {
  state: string;
  busy: boolean;
  drift: { kind: string; message: string }[];
  zoneRules: { id: string; target: string; status: string; priority: number; ours: boolean }[];
}

const api = new ApiClient();

/** Reads the zone's rules from Cloudflare and names every difference from what we stored. */
const LiveStatusView: React.FC<ActionProps> = ({ action, resource, record }) => {
  const addNotice = useNotice();
  const [status, setStatus] = useState<LiveStatus | null>(null);
  const [loading, setLoading] = useState(true);

  const check = useCallback(async () => {
    setLoading(true);
    try {
      const response = await api.recordAction({
        resourceId: resource.id,
        recordId: record!.id,
        actionName: action.name,
        params: { live: 'true' },
      });
      if (response.data.notice) addNotice(response.data.notice);
      setStatus(response.data.liveStatus ?? null);
    } finally {
      setLoading(false);
    }
  }, [action.name, resource.id, record?.id]);

  useEffect(() => {
    void check();
  }, [check]);

  if (loading) return <Loader />;
  if (!status) return <Button onClick={check}>Try again</Button>;
  return (
    <Box data-testid="live-status">
      {status.drift.length === 0 ? (
        <MessageBox mb="xl" variant="success" message={`In sync with Cloudflare (stored state: ${status.state}).`} />
      ) : (
        <MessageBox mb="xl" variant="danger" message={`${status.drift.length} difference(s) from Cloudflare (stored state: ${status.state})`}>
          {status.drift.map((entry) => (
            <Text key={`${entry.kind}:${entry.message}`}>
              {entry.kind}: {entry.message}
            </Text>
          ))}
          <Text mt="default">The Reconcile action repairs it.</Text>
        </MessageBox>
      )}
      {status.busy ? <MessageBox mb="xl" variant="info" message="Another operation on this site is in progress." /> : null}
      <Text mb="default">Page Rules in the zone:</Text>
      <Table>
        <TableHead>
          <TableRow>
            <TableCell>Rule</TableCell>
            <TableCell>Target</TableCell>
            <TableCell>Status</TableCell>
            <TableCell>Priority</TableCell>
            <TableCell>Ours</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {status.zoneRules.map((rule) => (
            <TableRow key={rule.id}>
              <TableCell>{rule.id}</TableCell>
              <TableCell>{rule.target}</TableCell>
              <TableCell>{rule.status}</TableCell>
              <TableCell>{rule.priority}</TableCell>
              <TableCell>{rule.ours ? <Badge variant="primary">ours</Badge> : null}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
      <Button mt="xl" onClick={check}>
        Check again
      </Button>
    </Box>
  );
};

export default LiveStatusView;
